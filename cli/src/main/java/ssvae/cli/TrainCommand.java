package ssvae.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ssvae.vae.train.Trainer;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * ssvae train: trains the SSVAE with the official recipe (see ssvae.vae.train.Trainer) into a run directory holding
 * the resolved config, checkpoints, metrics.jsonl / metrics.csv, samples and plots. SIGINT / SIGTERM finish the
 * current step, write a checkpoint and exit; --resume continues a run exactly.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the SSVAE (official recipe) on CPU.",
                "Writes RUN_DIR/config.yaml, checkpoints/step-N/, metrics.jsonl, metrics.csv, samples/ and plots/."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "C", description = "training config (official YAML layout)")
    Path config;

    @Option(names = "--set", paramLabel = "K=V", description = "override a config value, e.g. --set lightning.trainer.max_steps=100")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--run-dir", paramLabel = "DIR", description = "run directory (default runs/<config name>-<time>)")
    Path runDir;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue the run in RUN_DIR from its newest checkpoint")
    Path resume;

    @Option(names = "--max-steps", paramLabel = "N", description = "train until step N (overrides lightning.trainer.max_steps)")
    Long maxSteps;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        var err = spec.commandLine().getErr();
        Trainer t;
        if (resume != null) {
            if (config != null || !overrides.isEmpty() || runDir != null)
                throw new IllegalArgumentException("--resume takes the run's own config: drop --config, --set and --run-dir");
            t = Trainer.resume(resume, System.err);
        } else {
            if (config == null) throw new IllegalArgumentException("--config is required (or --resume RUN_DIR)");
            Path dir = runDir != null ? runDir : defaultRunDir(config);
            t = Trainer.start(config, overrides, dir, System.err);
        }
        if (maxSteps != null) {
            if (maxSteps < 1) throw new IllegalArgumentException("--max-steps must be positive, got " + maxSteps);
            t.setMaxSteps(maxSteps);
        }
        installSignals(t);
        try (t) {
            Map<String, Double> last = t.run();
            spec.commandLine().getOut().println("run " + t.runDir() + ": step " + t.step() + ", skipped " + t.skippedSteps()
                    + (last != null && last.containsKey("val/psnr") ? String.format(", held-out PSNR %.2f dB", last.get("val/psnr")) : ""));
        } catch (Trainer.NonFiniteException e) {
            err.println("ssvae: " + e.getMessage());
            return 2;
        }
        return 0;
    }

    static Path defaultRunDir(Path config) {
        String name = config.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return Path.of("runs", name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /**
     * SIGINT / SIGTERM: ask the trainer to stop after the current step (it then writes a checkpoint); a second signal
     * exits at once (e.g. when the data stream stalls), leaving the last checkpoint.
     */
    private static void installSignals(Trainer t) {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        for (String s : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(s), sig -> {
                    if (count.incrementAndGet() > 1) {
                        System.err.println("\nssvae: second signal: exiting without a new checkpoint");
                        Runtime.getRuntime().halt(130);
                    }
                    System.err.println("\nssvae: stopping after the current step (signal again to exit at once)");
                    t.requestStop();
                });
            } catch (IllegalArgumentException e) {
                // the signal is not available on this platform; the default handling stays
            }
        }
    }
}
