// Host emulation of the CUDA kernels' per-element bodies (no GPU needed): the Java test HostEmulationTest writes the
// exact by-value structs the backend would pass (from ssvae.kernels.cuda) and raw little-endian buffers into a
// directory, runs `host_check <command> <dir>`, and compares out*.bin with the CPU backend. This checks struct
// layouts, dtype conversions, strided/broadcast index math, the implicit-GEMM conv views, interpolation coordinates,
// max-pool, index ops and Philox bit patterns. Built with: nvcc -std=c++17 -arch=sm_80 -o host_check host_check.cu
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include "../elementwise.cuh"
#include "../gemm_views.cuh"
#include "../interpolate.cu"
#include "../pool.cu"
#include "../index.cu"
#include "../random.cu"
#include "../reduce.cu"
#include "../softmax.cu"
#include "../normalize.cu"
#include "../fused.cu"

static std::string dir;
static FILE* msg = stdout;  // per-job stdout.txt in batch mode

static std::vector<char> slurp(const char* name) {
    std::string p = dir + "/" + name;
    FILE* f = fopen(p.c_str(), "rb");
    if (!f) { fprintf(stderr, "cannot open %s\n", p.c_str()); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    std::vector<char> b(n > 0 ? n : 1);
    if (n > 0 && fread(b.data(), 1, n, f) != (size_t) n) { fprintf(stderr, "short read %s\n", p.c_str()); exit(2); }
    fclose(f);
    return b;
}

static void spill(const char* name, const std::vector<char>& b) {
    std::string p = dir + "/" + name;
    FILE* f = fopen(p.c_str(), "wb");
    fwrite(b.data(), 1, b.size(), f);
    fclose(f);
}

template <class T> static T as(const std::vector<char>& b) {
    T t;
    if (b.size() < sizeof(T)) { fprintf(stderr, "struct file has %zu bytes, expected %zu\n", b.size(), sizeof(T)); exit(3); }
    memcpy(&t, b.data(), sizeof(T));
    return t;
}

// params.txt: whitespace-separated numbers
static std::vector<double> params() {
    FILE* f = fopen((dir + "/params.txt").c_str(), "rb");
    if (!f) return {};
    fclose(f);
    std::vector<char> b = slurp("params.txt");
    b.push_back(0);
    std::vector<double> v;
    char* p = b.data();
    char* end;
    for (double d = strtod(p, &end); p != end; d = strtod(p, &end)) { v.push_back(d); p = end; }
    return v;
}

static int run_one(const std::string& cmd);

int main(int argc, char** argv) {
    if (argc != 3) { fprintf(stderr, "usage: host_check <command> <dir> | host_check batch <dir-with-jobs.txt>\n"); return 1; }
    std::string cmd = argv[1];
    dir = argv[2];
    if (cmd != "batch") return run_one(cmd);
    // batch: jobs.txt lists "<command> <job-dir>" lines; each job's messages go to <job-dir>/stdout.txt
    std::string root = dir;
    FILE* jobs = fopen((root + "/jobs.txt").c_str(), "r");
    if (!jobs) { fprintf(stderr, "cannot open %s/jobs.txt\n", root.c_str()); return 2; }
    char c[64], d[4096];
    int failed = 0;
    while (fscanf(jobs, "%63s %4095s", c, d) == 2) {
        dir = d;
        msg = fopen((dir + "/stdout.txt").c_str(), "w");
        int rc = run_one(c);
        fclose(msg);
        if (rc != 0) { fprintf(stderr, "job %s %s failed with %d\n", c, d, rc); failed = 1; }
    }
    fclose(jobs);
    return failed;
}

static int run_one(const std::string& cmd) {
    if (cmd == "sizes") {
        fprintf(msg, "Geo %zu MatGeo %zu ConvGeo %zu InterpArgs %zu PoolArgs %zu IdxArgs %zu\n", sizeof(Geo), sizeof(MatGeo),
               sizeof(ConvGeo), sizeof(InterpArgs), sizeof(PoolArgs), sizeof(IdxArgs));
        return 0;
    }
    std::vector<double> p = params();
    if (cmd.rfind("ew_", 0) == 0) {
        Geo g = as<Geo>(slurp("geo.bin"));
        std::vector<char> out = slurp("out.bin");
        if (cmd == "ew_copy") { auto x = slurp("in0.bin"); for (int i = 0; i < g.numel; i++) ew_copy_one(x.data(), (int) p[0], out.data(), (int) p[1], g, i); }
        else if (cmd == "ew_fill") { for (int i = 0; i < g.numel; i++) ew_fill_one(out.data(), (int) p[0], p[1], (long long) p[2], g, i); }
        else if (cmd == "ew_unary") { auto x = slurp("in0.bin"); for (int i = 0; i < g.numel; i++) ew_unary_one((int) p[0], x.data(), (int) p[1], out.data(), (int) p[2], p[3], p[4], g, i); }
        else if (cmd == "ew_binary") {
            auto a = slurp("in0.bin"), b = slurp("in1.bin");
            for (int i = 0; i < g.numel; i++) ew_binary_one((int) p[0], a.data(), (int) p[1], b.data(), (int) p[2], out.data(), (int) p[3], g, i);
        } else if (cmd == "ew_where") {
            auto c = slurp("in0.bin"), a = slurp("in1.bin"), b = slurp("in2.bin");
            for (int i = 0; i < g.numel; i++) ew_where_one(c.data(), (int) p[0], a.data(), (int) p[1], b.data(), (int) p[2], out.data(), (int) p[3], g, i);
        } else { fprintf(stderr, "unknown command %s\n", cmd.c_str()); return 1; }
        spill("out.bin", out);
    } else if (cmd == "matmul") {
        MatGeo g = as<MatGeo>(slurp("geo.bin"));
        auto a = slurp("in0.bin"), b = slurp("in1.bin");
        std::vector<char> out = slurp("out.bin");
        gemm_reference(MatView{a.data(), b.data(), out.data(), g}, (int) p[0]);
        spill("out.bin", out);
    } else if (cmd.rfind("conv_", 0) == 0) {
        ConvGeo c = as<ConvGeo>(slurp("geo.bin"));
        auto i0 = slurp("in0.bin"), i1 = slurp("in1.bin"), i2 = slurp("in2.bin");
        std::vector<char> out = slurp("out.bin");
        if (cmd == "conv_fwd") gemm_reference(ConvFwdView{i0.data(), i1.data(), i2.data(), out.data(), c}, c.groups);
        else if (cmd == "conv_bwd_input") gemm_reference(ConvBwdInView{i0.data(), i1.data(), out.data(), c}, c.groups);
        else gemm_reference(ConvBwdWView{i0.data(), i1.data(), out.data(), c}, c.groups);
        spill("out.bin", out);
    } else if (cmd == "interp_fwd" || cmd == "interp_bwd") {
        InterpArgs a = as<InterpArgs>(slurp("geo.bin"));
        auto x = slurp("in0.bin");
        std::vector<char> out = slurp("out.bin");
        int n = a.nc * a.out[0] * a.out[1] * a.out[2];
        for (int i = 0; i < n; i++) interp_point(a, i, x.data(), out.data(), cmd == "interp_bwd");
        spill("out.bin", out);
    } else if (cmd == "maxpool") {
        PoolArgs a = as<PoolArgs>(slurp("geo.bin"));
        auto x = slurp("in0.bin");
        std::vector<char> out = slurp("out.bin"), idx = slurp("out2.bin");
        int n = a.nc * a.out[0] * a.out[1] * a.out[2];
        for (int i = 0; i < n; i++) maxpool_one(x.data(), out.data(), (long long*) idx.data(), a, i);
        spill("out.bin", out);
        spill("out2.bin", idx);
    } else if (cmd == "maxpool_bwd") {
        PoolArgs a = as<PoolArgs>(slurp("geo.bin"));
        auto g = slurp("in0.bin"), idx = slurp("in1.bin");
        std::vector<char> out = slurp("out.bin");
        int n = a.nc * a.out[0] * a.out[1] * a.out[2];
        long long plane = (long long) a.in[0] * a.in[1] * a.in[2];
        memset(out.data(), 0, out.size());
        for (int i = 0; i < n; i++) {
            int nc = i / (a.out[0] * a.out[1] * a.out[2]);
            accumulate_dt(out.data(), a.dt, nc * plane + ((long long*) idx.data())[i], ld(g.data(), a.dt, i));
        }
        spill("out.bin", out);
    } else if (cmd == "index") {
        IdxArgs a = as<IdxArgs>(slurp("geo.bin"));
        auto t1 = slurp("in1.bin"), index = slurp("in2.bin");
        std::vector<char> t0 = slurp("out.bin");
        int err = 0;
        for (int e = 0; e < a.numel; e++) index_one(t0.data(), t1.data(), index.data(), &err, a, e);
        if (a.kind == 0 || a.kind == 2) spill("out.bin", t1); else spill("out.bin", t0);
        fprintf(msg, "err %d\n", err);
    } else if (cmd == "reduce") {
        RedGeo g = as<RedGeo>(slurp("geo.bin"));
        auto x = slurp("in0.bin");
        std::vector<char> out = slurp("out.bin");
        int op = (int) p[0], odt = (int) p[1], xdt = (int) p[2];
        for (int o = 0; o < g.nOut; o++) {
            long long ob, accl;
            double acc;
            red_partial(op, x.data(), xdt, g, o, 0, 1, ob, acc, accl);
            if (dt_is_int(xdt) && op != R_PROD) stl(out.data(), odt, ob, accl); else st(out.data(), odt, ob, acc);
        }
        spill("out.bin", out);
    } else if (cmd == "argreduce") {
        Geo g = as<Geo>(slurp("geo.bin"));
        auto x = slurp("in0.bin");
        std::vector<char> out = slurp("out.bin");
        for (int o = 0; o < g.numel; o++) arg_reduce_one((int) p[0], x.data(), (int) p[1], (long long*) out.data(), (int) p[2], (int) p[3], g, o);
        spill("out.bin", out);
    } else if (cmd == "softmax" || cmd == "softmax_bwd") {
        int dt = (int) p[0], outer = (int) p[1], n = (int) p[2], inner = (int) p[3], logm = (int) p[4];
        auto i0 = slurp("in0.bin"), i1 = slurp("in1.bin");
        std::vector<char> out = slurp("out.bin");
        for (int c = 0; c < outer * inner; c++) {
            if (cmd == "softmax") {
                if (dt == DT_F64) sm_col<double>(i0.data(), dt, out.data(), outer, n, inner, logm, c);
                else sm_col<float>(i0.data(), dt, out.data(), outer, n, inner, logm, c);
            } else {
                if (dt == DT_F64) smb_col<double>(i0.data(), i1.data(), dt, out.data(), outer, n, inner, logm, c);
                else smb_col<float>(i0.data(), i1.data(), dt, out.data(), outer, n, inner, logm, c);
            }
        }
        spill("out.bin", out);
    } else if (cmd == "norm") {
        NormArgs a = as<NormArgs>(slurp("geo.bin"));
        auto x = slurp("in0.bin");
        std::vector<char> out = slurp("out.bin"), mean = slurp("out2.bin"), rstd = slurp("out3.bin");
        for (int c = 0; c < a.outer * a.inner; c++) {
            if (a.xdt == DT_F64) norm_fwd_one<double, true>(a, nullptr, c, x.data(), out.data(), mean.data(), rstd.data());
            else norm_fwd_one<float, true>(a, nullptr, c, x.data(), out.data(), mean.data(), rstd.data());
        }
        spill("out.bin", out);
        spill("out2.bin", mean);
        spill("out3.bin", rstd);
    } else if (cmd == "norm_bwd") {
        NormArgs a = as<NormArgs>(slurp("geo.bin"));
        auto x = slurp("in0.bin"), mean = slurp("in1.bin"), rstd = slurp("in2.bin"), gy = slurp("in3.bin");
        std::vector<char> out = slurp("out.bin");
        for (int c = 0; c < a.outer * a.inner; c++) {
            if (a.xdt == DT_F64) norm_bwd_one<double, true>(a, nullptr, c, x.data(), mean.data(), rstd.data(), gy.data(), out.data());
            else norm_bwd_one<float, true>(a, nullptr, c, x.data(), mean.data(), rstd.data(), gy.data(), out.data());
        }
        spill("out.bin", out);
    } else if (cmd == "lcr") {
        // params: g; prints the sum of window values of the part; out.bin receives g * d(sum)/dz for the part's frames
        LcrArgs a = as<LcrArgs>(slurp("geo.bin"));
        auto z = slurp("in0.bin");
        std::vector<char> out = slurp("out.bin");
        int N = lcr_window_size(a);
        std::vector<double> s(a.D + 1), mean(N), norm(N);
        std::vector<long long> pos(N);
        double total = 0;
        for (int w = 0; w < lcr_windows(a); w++) {
            for (auto& v : s) v = 0;
            for (int i = 0; i < N; i++) {
                pos[i] = lcr_pos(a, w, i);
                lcr_stats(a, z.data(), pos[i], mean[i], norm[i]);
                lcr_accumulate(a, z.data(), pos[i], mean[i], norm[i], s.data());
            }
            total += lcr_value(a, s.data());
            for (int i = 0; i < N; i++) lcr_grad(a, z.data(), pos[i], mean[i], norm[i], s.data(), p[0], out.data());
        }
        fprintf(msg, "sum %.17g\n", total);
        spill("out.bin", out);
    } else if (cmd == "random") {
        int kind = (int) p[0], dt = (int) p[1], n = (int) p[2];
        std::vector<char> s = slurp("seed.txt");  // "seed offset" as unsigned decimals (exact 64-bit)
        s.push_back(0);
        unsigned long long seed = 0, off = 0;
        sscanf(s.data(), "%llu %llu", &seed, &off);
        std::vector<char> out = slurp("out.bin");
        for (int blk = 0; blk < (n + 3) / 4; blk++) {
            unsigned int r[4];
            philox(seed, off + blk, r);
            for (int lane = 0; lane < 4 && blk * 4 + lane < n; lane++) st(out.data(), dt, blk * 4 + lane, random_value(kind, r, lane, p[3], p[4]));
        }
        spill("out.bin", out);
    } else {
        fprintf(stderr, "unknown command %s\n", cmd.c_str());
        return 1;
    }
    return 0;
}
