package ssvae.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ssvae.tensor.Shape;
import ssvae.vae.config.ModelConfig;
import ssvae.vae.model.Param;
import ssvae.vae.model.VideoAutoencoder;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * ssvae info --config C [--json]: parameter count and state-dict keys with shapes, from the config alone (the
 * model is built shape-only: no weights are allocated).
 */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Parameter count and state-dict keys with shapes of a config's model.")
final class InfoCommand implements Callable<Integer> {
    @Mixin ModelOptions model;

    @Option(names = "--json", description = "print one JSON object {\"keys\": {key: shape}, \"param_count\": N}")
    boolean json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() throws Exception {
        ModelConfig mc = model.read();
        VideoAutoencoder m = mc.build();
        Map<String, Param> ps = m.namedParams();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper om = new ObjectMapper();
            ObjectNode root = om.createObjectNode();
            ObjectNode keys = root.putObject("keys");
            for (var e : ps.entrySet()) {
                ArrayNode a = keys.putArray(e.getKey());
                for (int s : e.getValue().shape()) a.add(s);
            }
            root.put("param_count", m.paramCount());
            out.println(om.writeValueAsString(root));
        } else {
            out.printf("%s: %,d parameters in %d tensors (encoder %,d, decoder %,d%s)%n", model.config, m.paramCount(), ps.size(),
                    m.encoder().paramCount(), m.decoder().paramCount(), m.maskToken() != null ? ", mask_token " + m.maskToken().numel() : "");
            int w = 0;
            for (String k : ps.keySet()) w = Math.max(w, k.length());
            for (var e : ps.entrySet()) out.printf("%-" + w + "s  %s%n", e.getKey(), Shape.str(e.getValue().shape()));
        }
        out.flush();
        return 0;
    }
}
