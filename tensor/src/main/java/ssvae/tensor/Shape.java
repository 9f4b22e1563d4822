package ssvae.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by every backend: element counts, strides, broadcasting, dim normalisation. */
public final class Shape {
    private Shape() {}

    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= s;
        }
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape)
                + " has " + n + " elements; at most 2^31-1 are supported per tensor");
        return (int) n;
    }

    public static int[] contiguousStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) { st[i] = s; s *= Math.max(shape[i], 1); }
        return st;
    }

    /** Normalises a possibly negative dim against rank (PyTorch's wrap_dim). */
    public static int dim(int d, int rank) {
        int n = Math.max(rank, 1); // a 0-d tensor takes dim 0 or -1, as torch
        int r = d < 0 ? d + n : d;
        if (r < 0 || r >= n) throw new IllegalArgumentException("dimension " + d + " out of range for a tensor of rank " + rank);
        return r;
    }

    /** Sorted, de-duplicated, normalised dims; null or empty means all dims. */
    public static int[] dims(int[] dims, int rank) {
        if (dims == null || dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        boolean[] seen = new boolean[Math.max(rank, 1)];
        for (int d : dims) {
            int n = dim(d, rank);
            if (seen[n]) throw new IllegalArgumentException("dimension " + d + " appears twice in " + Arrays.toString(dims));
            seen[n] = true;
        }
        if (rank == 0) return new int[0]; // dim 0 / -1 of a 0-d tensor: nothing to reduce, as torch
        int[] out = new int[dims.length];
        int k = 0;
        for (int i = 0; i < rank; i++) if (seen[i]) out[k++] = i;
        return out;
    }

    /** Broadcast result shape of a and b, numpy rules. */
    public static int[] broadcast(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " cannot be broadcast");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Resolves one -1 entry of a requested shape against numel. */
    public static int[] infer(int[] shape, int numel) {
        int[] out = shape.clone();
        int neg = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (neg >= 0) throw new IllegalArgumentException("only one dimension can be -1 in " + Arrays.toString(shape));
                neg = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("invalid shape " + Arrays.toString(shape));
            } else known *= out[i];
        }
        if (neg >= 0) {
            if (known == 0 || numel % known != 0)
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is invalid for input of size " + numel);
            out[neg] = (int) (numel / known);
        } else if (known != numel) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is invalid for input of size " + numel);
        }
        return out;
    }

    /**
     * Strides for viewing (shape, strides) as newShape without copying, or null when impossible
     * (PyTorch's computeStride).
     */
    public static int[] viewStrides(int[] shape, int[] strides, int[] newShape) {
        int[] ns = new int[newShape.length];
        if (numel(shape) == 0) return contiguousStrides(newShape);
        int viewD = newShape.length - 1;
        int chunkBase = strides.length == 0 ? 1 : strides[strides.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    ns[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) { chunkBase = strides[d - 1]; tensorNumel = 1; viewNumel = 1; }
            }
        }
        if (viewD != -1) {
            // remaining leading size-1 dims
            while (viewD >= 0) { if (newShape[viewD] != 1) return null; ns[viewD] = 1; viewD--; }
        }
        return ns;
    }

    public static String str(int[] shape) { return Arrays.toString(shape); }
}
