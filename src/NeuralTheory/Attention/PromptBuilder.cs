using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Bridge;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Attention;

/// <summary>
/// Builds in-context regression prompts <c>Z</c> of shape <c>(B, N+1, D)</c>, <c>D = d + extraSlots + o</c>:
/// context rows <c>Z[i] = (x_i, 0…0, y_i)</c>, query row <c>Z[N] = (x_q, 0…0, −W0 x_q)</c> (von Oswald et al. 2022,
/// arXiv:2212.07677, token construction <c>e_j = (x_j, y_j)</c> with the query's y-slot initialised to <c>−W0 x_q</c>;
/// Ahn et al. 2023, arXiv:2306.00297, Eq. (3)), and reads predictions back as <c>ŷ = −Z[:, N, D−o:]</c>.
/// </summary>
/// <remarks>
/// Spec 2.3 and 4.1: <c>x</c> first, <c>y</c> always the last <c>o</c> features, the query is the last row;
/// <c>extraSlots</c> zero features sit between <c>x</c> and <c>y</c> (the Newton–Schulz construction's <c>v</c>-slot,
/// Fu et al. 2023, arXiv:2310.17086). Every input is validated (spec Section 8) and never aliased.
/// </remarks>
public static class PromptBuilder
{
    /// <summary>Builds a batch of prompts from tensors.</summary>
    /// <param name="x">Context inputs, shape <c>(B, N, d)</c>, <c>N ≥ 1</c>, finite, float32 or float64.</param>
    /// <param name="y">Context targets, shape <c>(B, N, o)</c>, same dtype and device as <paramref name="x"/>.</param>
    /// <param name="xq">Query inputs, shape <c>(B, d)</c>.</param>
    /// <param name="w0">Optional start <c>W0</c>, shape <c>(o, d)</c> (shared) or <c>(B, o, d)</c> (per prompt); the query y-slot is <c>−W0 x_q</c>. <c>null</c> means <c>W0 = 0</c>.</param>
    /// <param name="extraSlots">Number of zero features between <c>x</c> and <c>y</c> (≥ 0).</param>
    /// <returns>A new tensor of shape <c>(B, N+1, d + extraSlots + o)</c>, dtype and device of <paramref name="x"/>.</returns>
    /// <exception cref="ArgumentException">A shape, dtype or device disagrees, a tensor has non-finite entries, <c>N = 0</c>, or <paramref name="extraSlots"/> &lt; 0.</exception>
    public static Tensor Build(Tensor x, Tensor y, Tensor xq, Tensor? w0 = null, int extraSlots = 0)
    {
        AttentionChecks.NotDisposed(x, nameof(x));
        AttentionChecks.NotDisposed(y, nameof(y));
        AttentionChecks.NotDisposed(xq, nameof(xq));
        if (x.dim() != 3)
            throw new ArgumentException($"Expected X of shape (B, N, d), got {AttentionChecks.Shape(x)}.", nameof(x));
        long b = x.shape[0], n = x.shape[1], d = x.shape[2];
        if (b < 1 || d < 1)
            throw new ArgumentException($"Expected X of shape (B, N, d) with B ≥ 1 and d ≥ 1, got {AttentionChecks.Shape(x)}.", nameof(x));
        if (n < 1)
            throw new ArgumentException($"Expected N ≥ 1 context examples, got X of shape {AttentionChecks.Shape(x)} (N = 0).", nameof(x));
        if (y.dim() != 3 || y.shape[0] != b || y.shape[1] != n || y.shape[2] < 1)
            throw new ArgumentException($"Expected Y of shape (B, N, o) = ({b}, {n}, o ≥ 1), got {AttentionChecks.Shape(y)}.", nameof(y));
        long o = y.shape[2];
        if (xq.dim() != 2 || xq.shape[0] != b || xq.shape[1] != d)
            throw new ArgumentException($"Expected x_q of shape (B, d) = ({b}, {d}), got {AttentionChecks.Shape(xq)}.", nameof(xq));
        if (extraSlots < 0)
            throw new ArgumentException($"Expected extraSlots ≥ 0, got {extraSlots}.", nameof(extraSlots));
        AttentionChecks.FloatingPoint(x, nameof(x));
        AttentionChecks.SameKind(y, x, nameof(y), nameof(x));
        AttentionChecks.SameKind(xq, x, nameof(xq), nameof(x));
        AttentionChecks.Finite(x, nameof(x));
        AttentionChecks.Finite(y, nameof(y));
        AttentionChecks.Finite(xq, nameof(xq));
        if (w0 is not null)
        {
            AttentionChecks.NotDisposed(w0, nameof(w0));
            bool ok = (w0.dim() == 2 && w0.shape[0] == o && w0.shape[1] == d)
                   || (w0.dim() == 3 && w0.shape[0] == b && w0.shape[1] == o && w0.shape[2] == d);
            if (!ok)
                throw new ArgumentException($"Expected W0 of shape (o, d) = ({o}, {d}) or (B, o, d) = ({b}, {o}, {d}), got {AttentionChecks.Shape(w0)}.", nameof(w0));
            AttentionChecks.SameKind(w0, x, nameof(w0), nameof(x));
            AttentionChecks.Finite(w0, nameof(w0));
        }
        return BuildCore(x, y, xq, w0, extraSlots);
    }

    /// <summary>Builds one prompt (batch of one) from MathNet data, in the requested dtype and device.</summary>
    /// <param name="x">Design matrix <c>X</c>, <c>N × d</c> (rows <c>x_iᵀ</c>).</param>
    /// <param name="y">Targets <c>Y</c>, <c>N × o</c>.</param>
    /// <param name="xq">Query input, length <c>d</c>.</param>
    /// <param name="w0">Optional start <c>W0</c>, <c>o × d</c>.</param>
    /// <param name="extraSlots">Zero features between <c>x</c> and <c>y</c>.</param>
    /// <param name="dtype">Float64 (default) or Float32.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <returns>A new tensor of shape <c>(1, N+1, d + extraSlots + o)</c>.</returns>
    /// <exception cref="ArgumentException">Shapes disagree (<c>X.rows ≠ Y.rows</c>, <c>x_q.length ≠ d</c>, <c>W0</c> not <c>o×d</c>), or an entry is not finite.</exception>
    public static Tensor Build(Matrix<double> x, Matrix<double> y, Vector<double> xq, Matrix<double>? w0 = null, int extraSlots = 0,
        ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(xq);
        if (y.RowCount != x.RowCount)
            throw new ArgumentException($"Expected Y with N = {x.RowCount} rows (those of X), got {y.RowCount}.", nameof(y));
        if (xq.Count != x.ColumnCount)
            throw new ArgumentException($"Expected x_q of length d = {x.ColumnCount}, got {xq.Count}.", nameof(xq));
        if (w0 is not null && (w0.RowCount != y.ColumnCount || w0.ColumnCount != x.ColumnCount))
            throw new ArgumentException($"Expected W0 of shape (o, d) = ({y.ColumnCount}, {x.ColumnCount}), got ({w0.RowCount}, {w0.ColumnCount}).", nameof(w0));
        CheckFinite(x.Enumerate(), nameof(x));
        CheckFinite(y.Enumerate(), nameof(y));
        CheckFinite(xq, nameof(xq));
        if (w0 is not null) CheckFinite(w0.Enumerate(), nameof(w0));
        using var scope = NewDisposeScope();
        var xt = x.ToTensor(dtype, device).unsqueeze(0);
        var yt = y.ToTensor(dtype, device).unsqueeze(0);
        var qt = xq.ToTensor(dtype, device).unsqueeze(0);
        var wt = w0?.ToTensor(dtype, device);
        return Build(xt, yt, qt, wt, extraSlots).MoveToOuterDisposeScope();
    }

    /// <summary>Builds one prompt with a scalar target (<c>o = 1</c>): <c>y</c> of length <c>N</c>, <c>w0</c> of length <c>d</c> (optional).</summary>
    /// <param name="x">Design matrix <c>X</c>, <c>N × d</c>.</param>
    /// <param name="y">Targets, length <c>N</c>.</param>
    /// <param name="xq">Query input, length <c>d</c>.</param>
    /// <param name="w0">Optional start <c>w0</c>, length <c>d</c>.</param>
    /// <param name="extraSlots">Zero features between <c>x</c> and <c>y</c>.</param>
    /// <param name="dtype">Float64 (default) or Float32.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">As for the matrix overload.</exception>
    public static Tensor Build(Matrix<double> x, Vector<double> y, Vector<double> xq, Vector<double>? w0 = null, int extraSlots = 0,
        ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (w0 is not null && x is not null && w0.Count != x.ColumnCount)
            throw new ArgumentException($"Expected w0 of length d = {x.ColumnCount}, got {w0.Count}.", nameof(w0));
        return Build(x!, y.ToColumnMatrix(), xq, w0?.ToRowMatrix(), extraSlots, dtype, device);
    }

    /// <summary>The readout <c>ŷ = −Z[:, N, D−o:]</c>, shape <c>(B, o)</c> (spec 2.6; the sign is part of the convention).</summary>
    /// <param name="z">Prompt or layer output, shape <c>(B, N+1, D)</c>.</param>
    /// <param name="outputDim">Number <c>o</c> of y features.</param>
    /// <exception cref="ArgumentException"><paramref name="z"/> is not 3-D or <paramref name="outputDim"/> is not in <c>[1, D]</c>.</exception>
    public static Tensor Readout(Tensor z, int outputDim = 1) => LinearAttentionFunctional.Readout(z, outputDim);

    internal static Tensor BuildCore(Tensor x, Tensor y, Tensor xq, Tensor? w0, int extraSlots)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], d = x.shape[2];
        Tensor yq = w0 is null
            ? zeros([b, 1, y.shape[2]], dtype: x.dtype, device: x.device)
            : (w0.dim() == 2 ? xq.matmul(w0.t()) : w0.matmul(xq.unsqueeze(-1)).squeeze(-1)).neg().unsqueeze(1);
        var xs = cat([x, xq.unsqueeze(1)], 1);                                          // (B, N+1, d)
        var ys = cat([y, yq], 1);                                                       // (B, N+1, o)
        var parts = extraSlots > 0
            ? new[] { xs, zeros([b, xs.shape[1], extraSlots], dtype: x.dtype, device: x.device), ys }
            : new[] { xs, ys };
        return cat(parts, 2).MoveToOuterDisposeScope();
    }

    private static void CheckFinite(IEnumerable<double> values, string parameter)
    {
        foreach (var v in values)
            if (!double.IsFinite(v))
                throw new ArgumentException($"Expected finite entries, found {v}.", parameter);
    }
}
