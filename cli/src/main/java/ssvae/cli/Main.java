package ssvae.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ssvae.kernels.cpu.Parallel;
import ssvae.tensor.Device;

import java.util.concurrent.Callable;

/** The ssvae command: global options, subcommands, and one-line errors (stack traces only with --verbose). */
@Command(name = "ssvae", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "SSVAE video autoencoder and its tensor engine, in Java.",
        subcommands = {
                CommandLine.HelpCommand.class,
                InfoCommand.class,
                EncodeCommand.class,
                DecodeCommand.class,
                ReconstructCommand.class,
                ConvertCommand.class,
                MetricsCommand.class,
                BenchCommand.class,
                TrainCommand.class,
        })
public final class Main implements Callable<Integer> {

    @Option(names = "--device", description = "cpu, cuda, cuda:N or auto (default: ${DEFAULT-VALUE})", defaultValue = "cpu", scope = CommandLine.ScopeType.INHERIT)
    String device;

    @Option(names = "--threads", description = "CPU threads (default: all cores)", scope = CommandLine.ScopeType.INHERIT)
    Integer threads;

    @Option(names = "--dtype", description = "compute dtype: f32 or bf16 (default: ${DEFAULT-VALUE})", defaultValue = "f32", scope = CommandLine.ScopeType.INHERIT)
    String dtype;

    @Option(names = "--gpu-kernels", description = "GPU GEMM/conv kernels: own, vendor (cuBLAS/cuDNN) or auto (default: ${DEFAULT-VALUE})",
            defaultValue = "auto", scope = CommandLine.ScopeType.INHERIT)
    String gpuKernels;

    @Option(names = "--verbose", description = "show stack traces and debug output", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    /** Applies the global options; called by every subcommand before it runs. */
    void applyGlobals() {
        if (threads != null) Parallel.setThreads(threads);
        ssvae.kernels.cuda.GpuKernels.parse(gpuKernels);
        System.setProperty("ssvae.gpu.kernels", gpuKernels.toLowerCase(java.util.Locale.ROOT));
        if ("auto".equalsIgnoreCase(device)) {
            // cuda:0 when a usable CUDA backend is present, else the CPU (the CPU backend always works)
            ssvae.tensor.Backend cuda = ssvae.tensor.Backends.find(Device.Type.CUDA);
            Device.setDefault(cuda != null && cuda.isAvailable() ? Device.cuda(0) : Device.CPU);
        } else {
            Device.setDefault(Device.parse(device));
        }
        ssvae.tensor.DType.parse(dtype);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"ssvae " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (Java " + Runtime.version() + ")"};
        }
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            Main root = cmd.getCommandSpec().root().userObject() instanceof Main m ? m : null;
            if (root != null && root.verbose) ex.printStackTrace(cmd.getErr());
            else cmd.getErr().println("ssvae: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        cl.setExecutionStrategy(parse -> {
            Object root = parse.commandSpec().userObject();
            if (root instanceof Main m) {
                try { m.applyGlobals(); }   // bad global options go to the one-line error handler too
                catch (RuntimeException e) { throw new CommandLine.ExecutionException(parse.commandSpec().commandLine(), e.getMessage(), e); }
            }
            return new CommandLine.RunLast().execute(parse);
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
