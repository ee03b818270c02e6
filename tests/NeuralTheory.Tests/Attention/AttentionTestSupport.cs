using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Bridge;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Attention;

/// <summary>Helpers for the attention tests: MathNet ↔ tensor shortcuts and relative-tolerance comparisons.</summary>
internal static class AttentionTestSupport
{
    public static Matrix<double> M(double[,] a) => Matrix<double>.Build.DenseOfArray(a);
    public static Vector<double> V(params double[] a) => Vector<double>.Build.DenseOfArray(a);

    /// <summary>The I1 prompt of spec 7.1/7.2 (optionally with W0), shape (1, 4, 3).</summary>
    public static Tensor I1Prompt(ScalarType dtype, bool withW0 = false, int extraSlots = 0) =>
        PromptBuilder.Build(M(SpecGoldenNumbers.X), V(SpecGoldenNumbers.Y), V(SpecGoldenNumbers.Xq),
            withW0 ? V(SpecGoldenNumbers.W0) : null, extraSlots, dtype);

    /// <summary>Row <paramref name="b"/> of a batch as a MathNet matrix (float64).</summary>
    public static Matrix<double> Slice(Tensor z, int b = 0)
    {
        using var s = z[b];
        return s.ToMatrix();
    }

    /// <summary>Per entry <c>|a − e| ≤ tol · max(1, |e|)</c>, with a message naming the worst entry.</summary>
    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tol, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            double e = expected[i], a = actual[i];
            Assert.True(Math.Abs(a - e) <= tol * Math.Max(1, Math.Abs(e)),
                $"{what}[{i}]: expected {e:R}, got {a:R} (|diff| = {Math.Abs(a - e):E3}, tol {tol:E1} relative).");
        }
    }

    public static void AssertClose(Matrix<double> expected, Matrix<double> actual, double tol, string what)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.Equal(expected.ColumnCount, actual.ColumnCount);
        AssertClose(expected.ToRowMajorArray(), actual.ToRowMajorArray(), tol, what);
    }

    /// <summary><c>max |a − b| ≤ tol · max(1, max |b|)</c> over whole tensors (for outputs of random weights).</summary>
    public static bool CloseScaled(Tensor a, Tensor b, double tol)
    {
        using var scope = NewDisposeScope();
        double scale = Math.Max(1, b.abs().max().ToDouble());
        return (a - b).abs().max().ToDouble() <= tol * scale;
    }

    /// <summary>The single value of a float32 or float64 tensor, widened to double.</summary>
    public static double ToDouble(this Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.to_type(ScalarType.Float64).item<double>();
    }

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return (a - b).abs().max().ToDouble();
    }
}
