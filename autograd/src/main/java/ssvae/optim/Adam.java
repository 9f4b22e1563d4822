package ssvae.optim;

import ssvae.tensor.DType;
import ssvae.tensor.Device;
import ssvae.tensor.GradMode;
import ssvae.tensor.Shape;
import ssvae.tensor.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torch.optim.Adam (single-tensor path), per parameter with gradient g at step t:
 * <pre>
 *   g = g + weight_decay * p                     (Adam: L2 penalty in the gradient)
 *   p = p * (1 - lr * weight_decay)              (AdamW: decoupled decay, instead of the line above)
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   vmax = max(vmax, v)                          (amsgrad; v below is then vmax)
 *   denom = sqrt(v) / sqrt(1 - beta2^t) + eps
 *   p = p - lr / (1 - beta1^t) * m / denom
 * </pre>
 * State (step, exp_avg, exp_avg_sq, max_exp_avg_sq) is kept per parameter in the parameter's dtype and device.
 */
public class Adam extends Optimizer {
    private final boolean decoupled;
    private final Map<Tensor, State> state = new IdentityHashMap<>();

    /** Per-parameter state, as optimizer.state[p]. */
    public static final class State {
        public long step;
        public Tensor expAvg, expAvgSq, maxExpAvgSq;
    }

    public Adam(List<Tensor> params, double lr) { this(params, lr, 0.9, 0.999, 1e-8, 0, false); }

    public Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        this(List.of(new ParamGroup(params)), ParamGroup.defaults(lr, beta1, beta2, eps, weightDecay, amsgrad), false);
    }

    protected Adam(List<ParamGroup> groups, ParamGroup defaults, boolean decoupled) {
        super(groups, defaults);
        this.decoupled = decoupled;
    }

    /** Adam over parameter groups; hyper-parameters a group leaves unset take these defaults. */
    public static Adam withGroups(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        return new Adam(groups, ParamGroup.defaults(lr, beta1, beta2, eps, weightDecay, amsgrad), false);
    }

    public State state(Tensor p) { return state.get(p); }

    @Override public void step() {
        try (var ng = GradMode.noGrad()) {
            for (ParamGroup g : groups) {
                for (Tensor p : g.params) {
                    Tensor grad = p.grad();
                    if (grad == null) continue;
                    update(p, grad.to(p.dtype()), g);
                }
            }
        }
    }

    private void update(Tensor p, Tensor grad, ParamGroup g) {
        State s = state.computeIfAbsent(p, k -> {
            State n = new State();
            n.expAvg = p.zerosLike();
            n.expAvgSq = p.zerosLike();
            return n;
        });
        if (Boolean.TRUE.equals(g.amsgrad) && s.maxExpAvgSq == null) s.maxExpAvgSq = p.zerosLike();
        s.step++;
        double lr = g.lr, b1 = g.beta1, b2 = g.beta2, wd = g.weightDecay;
        if (wd != 0) {
            if (decoupled) p.mul_(1 - lr * wd);
            else grad = grad.add(p.mul(wd));
        }
        s.expAvg.mul_(b1).add_(grad, 1 - b1);
        s.expAvgSq.mul_(b2).add_(grad.square(), 1 - b2);
        double bc1 = 1 - Math.pow(b1, s.step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, s.step));
        Tensor second = s.expAvgSq;
        if (Boolean.TRUE.equals(g.amsgrad)) {
            s.maxExpAvgSq.copy_(s.maxExpAvgSq.maximum(s.expAvgSq));
            second = s.maxExpAvgSq;
        }
        Tensor denom = second.sqrt().div(bc2Sqrt).add(g.eps);
        p.add_(s.expAvg.div(denom), -lr / bc1);
    }

    // ------------------------------------------------------------------ state dict

    private List<Tensor> ordered() {
        List<Tensor> ps = new ArrayList<>();
        for (ParamGroup g : groups) ps.addAll(g.params);
        return ps;
    }

    /**
     * optimizer.state_dict() flattened for tensor files: "state.{i}.step" (F32 scalar), "state.{i}.exp_avg",
     * "state.{i}.exp_avg_sq" ("state.{i}.max_exp_avg_sq" with amsgrad) with i the parameter's index across groups
     * in order, and "param_groups.{j}.lr", ".betas" [2], ".eps", ".weight_decay", ".amsgrad" (0/1),
     * ".initial_lr" (when a scheduler set it) as F64 tensors.
     */
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        List<Tensor> ps = ordered();
        for (int i = 0; i < ps.size(); i++) {
            State s = state.get(ps.get(i));
            if (s == null) continue;
            out.put("state." + i + ".step", Tensor.scalar(s.step, DType.F32, Device.CPU));
            out.put("state." + i + ".exp_avg", s.expAvg.detach());
            out.put("state." + i + ".exp_avg_sq", s.expAvgSq.detach());
            if (s.maxExpAvgSq != null) out.put("state." + i + ".max_exp_avg_sq", s.maxExpAvgSq.detach());
        }
        for (int j = 0; j < groups.size(); j++) {
            ParamGroup g = groups.get(j);
            String k = "param_groups." + j + ".";
            out.put(k + "lr", Tensor.scalar(g.lr, DType.F64, Device.CPU));
            out.put(k + "betas", Tensor.fromArray(new double[] {g.beta1, g.beta2}, 2));
            out.put(k + "eps", Tensor.scalar(g.eps, DType.F64, Device.CPU));
            out.put(k + "weight_decay", Tensor.scalar(g.weightDecay, DType.F64, Device.CPU));
            out.put(k + "amsgrad", Tensor.scalar(Boolean.TRUE.equals(g.amsgrad) ? 1 : 0, DType.F64, Device.CPU));
            if (!Double.isNaN(g.initialLr)) out.put(k + "initial_lr", Tensor.scalar(g.initialLr, DType.F64, Device.CPU));
        }
        return out;
    }

    /** load_state_dict: state tensors are copied (converted to each parameter's dtype/device); shapes must match. */
    public void loadStateDict(Map<String, Tensor> sd) {
        List<Tensor> ps = ordered();
        for (String key : sd.keySet()) {
            String[] parts = key.split("\\.");
            boolean ok = parts.length == 3 && (parts[0].equals("state") || parts[0].equals("param_groups"));
            if (ok) {
                try {
                    int idx = Integer.parseInt(parts[1]);
                    ok = idx >= 0 && idx < (parts[0].equals("state") ? ps.size() : groups.size());
                } catch (NumberFormatException e) { ok = false; }
            }
            if (!ok) throw new IllegalArgumentException("optimizer state dict: unexpected key '" + key + "' (model has "
                    + ps.size() + " parameters in " + groups.size() + " groups)");
        }
        Map<Tensor, State> fresh = new IdentityHashMap<>();
        try (var ng = GradMode.noGrad()) {
            for (int i = 0; i < ps.size(); i++) {
                Tensor step = sd.get("state." + i + ".step");
                if (step == null) continue;
                Tensor p = ps.get(i);
                State s = new State();
                s.step = Math.round(step.item());
                s.expAvg = stateTensor(sd, "state." + i + ".exp_avg", p, true);
                s.expAvgSq = stateTensor(sd, "state." + i + ".exp_avg_sq", p, true);
                s.maxExpAvgSq = stateTensor(sd, "state." + i + ".max_exp_avg_sq", p, false);
                fresh.put(p, s);
            }
            for (int j = 0; j < groups.size(); j++) {
                ParamGroup g = groups.get(j);
                String k = "param_groups." + j + ".";
                if (sd.containsKey(k + "lr")) g.lr = sd.get(k + "lr").item();
                if (sd.containsKey(k + "betas")) { double[] b = sd.get(k + "betas").toDoubleArray(); g.beta1 = b[0]; g.beta2 = b[1]; }
                if (sd.containsKey(k + "eps")) g.eps = sd.get(k + "eps").item();
                if (sd.containsKey(k + "weight_decay")) g.weightDecay = sd.get(k + "weight_decay").item();
                if (sd.containsKey(k + "amsgrad")) g.amsgrad = sd.get(k + "amsgrad").item() != 0;
                if (sd.containsKey(k + "initial_lr")) g.initialLr = sd.get(k + "initial_lr").item();
            }
        }
        state.clear();
        state.putAll(fresh);
    }

    private static Tensor stateTensor(Map<String, Tensor> sd, String key, Tensor p, boolean required) {
        Tensor t = sd.get(key);
        if (t == null) {
            if (required) throw new IllegalArgumentException("optimizer state dict: missing key '" + key + "'");
            return null;
        }
        if (!java.util.Arrays.equals(t.shape(), p.shape()))
            throw new IllegalArgumentException("optimizer state dict: " + key + " has shape " + Shape.str(t.shape())
                    + " but the parameter has shape " + Shape.str(p.shape()));
        return t.detach().to(p.dtype(), p.device()).clone().detach();
    }
}
