using FsCheck;
using FsCheck.Fluent;
using MathNet.Numerics.LinearAlgebra;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Attention;

/// <summary>A random attention instance: sizes from the spec 5.9 ranges and a seed for the tensor entries.</summary>
public sealed record LsaCase(int Batch, int N, int D, int Heads, int KeyDim, int ValueDim, int Layers, long Seed)
{
    /// <summary>Prompt entries uniform on [−2, 2], shape (B, N+1, D), float64.</summary>
    public Tensor Prompt(Generator g) => rand([Batch, N + 1, D], ScalarType.Float64, generator: g) * 4 - 2;

    /// <summary>Weight entries uniform on [−s, s], s = 1/D (keeps multi-layer outputs moderate).</summary>
    public Tensor Weight(Generator g, params long[] shape) => (rand(shape, ScalarType.Float64, generator: g) * 2 - 1) / D;
}

/// <summary>A regression problem in the spec 5.9 ranges: d ∈ [1,6], N ∈ [1,12], o ∈ [1,3], entries in [−2,2], η ∈ (0,1.5), K ∈ [0,6].</summary>
public sealed record RegressionCase(Matrix<double> X, Matrix<double> Y, Vector<double> Xq, Matrix<double> W0, double Eta, int K, bool Shared)
{
    public int D => X.ColumnCount;
    public int N => X.RowCount;
    public int O => Y.ColumnCount;
    public override string ToString() => $"d={D}, N={N}, o={O}, η={Eta}, K={K}, shared={Shared}, X={X.ToMatrixString()}";
}

internal static class AttentionGenerators
{
    public static Gen<double> Entry => Gen.Choose(-2_000_000, 2_000_000).Select(i => i / 1e6);

    public static Arbitrary<LsaCase> LsaCases() =>
        (from b in Gen.Choose(1, 4)
         from n in Gen.Choose(1, 12)
         from d in Gen.Choose(2, 9)
         from h in Gen.Choose(1, 3)
         from k in Gen.Choose(1, 6)
         from v in Gen.Choose(1, 6)
         from l in Gen.Choose(1, 3)
         from seed in Gen.Choose(0, int.MaxValue)
         select new LsaCase(b, n, d, h, k, v, l, seed)).ToArbitrary();

    public static Gen<Matrix<double>> MatrixGen(int rows, int cols) =>
        Entry.ArrayOf(rows * cols).Select(a => Matrix<double>.Build.DenseOfColumnMajor(rows, cols, a));

    public static Arbitrary<RegressionCase> RegressionCases(bool singleOutput = false, bool zeroStart = false) =>
        (from d in Gen.Choose(1, 6)
         from n in Gen.Choose(1, 12)
         from o in singleOutput ? Gen.Constant(1) : Gen.Choose(1, 3)
         from x in MatrixGen(n, d)
         from y in MatrixGen(n, o)
         from xq in MatrixGen(1, d)
         from w0 in zeroStart ? Gen.Constant(Matrix<double>.Build.Dense(o, d)) : MatrixGen(o, d)
         from eta in Gen.Choose(1, 1_499_999).Select(i => i / 1e6)
         from k in Gen.Choose(0, 6)
         from shared in Gen.Elements(true, false)
         select new RegressionCase(x, y, xq.Row(0), w0, eta, k, shared)).ToArbitrary();
}
