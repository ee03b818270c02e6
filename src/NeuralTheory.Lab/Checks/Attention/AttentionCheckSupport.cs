using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Bridge;
using NeuralTheory.Numerics.Common;
using ScottPlot;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Checks.Attention;

/// <summary>One seeded in-context regression prompt: <c>X (N×d)</c>, <c>Y (N×o)</c>, <c>x_q</c>, <c>W0 (o×d)</c>.</summary>
internal sealed record RegressionPrompt(Matrix<double> X, Matrix<double> Y, Vector<double> Xq, Matrix<double> W0)
{
    public int D => X.ColumnCount;
    public int N => X.RowCount;
    public int O => Y.ColumnCount;

    /// <summary><c>λ_max(C)</c>, <c>C = XᵀX/N</c>.</summary>
    public double LambdaMaxC => Math.Pow(X.L2Norm(), 2) / N;

    /// <summary>The same prompt with <c>o = 1</c> (first y column) and <c>W0 = 0</c>.</summary>
    public RegressionPrompt SingleOutputFromZero() => this with { Y = Y.SubMatrix(0, N, 0, 1), W0 = Matrix<double>.Build.Dense(1, D) };
}

/// <summary>Shared plumbing of the attention checks: seeded prompts, the per-entry error of spec 5, expected GD states.</summary>
internal static class AttentionCheckSupport
{
    /// <summary>A random integer in <c>[lo, hi]</c>.</summary>
    public static int Between(this SeededRandom random, int lo, int hi) => random.Source.Next(lo, hi + 1);

    /// <summary>A random double in <c>[lo, hi)</c>.</summary>
    public static double Between(this SeededRandom random, double lo, double hi) => lo + (hi - lo) * random.NextUniform();

    /// <summary>A Gaussian prompt: <c>X</c>, <c>Y</c>, <c>x_q</c> standard normal, <c>W0</c> with standard deviation <paramref name="w0Scale"/>.</summary>
    public static RegressionPrompt Prompt(SeededRandom random, int n, int d, int o, double w0Scale = 0.5) =>
        new(random.GaussianMatrix(n, d), random.GaussianMatrix(n, o), random.GaussianVector(d),
            w0Scale == 0 ? Matrix<double>.Build.Dense(o, d) : random.GaussianMatrix(o, d, w0Scale));

    /// <summary>Largest <c>|a − b| / max(1, |b|)</c> over all entries (spec Section 5); NaN counts as +∞.</summary>
    public static double MaxScaledError(Matrix<double> actual, Matrix<double> expected)
    {
        if (actual.RowCount != expected.RowCount || actual.ColumnCount != expected.ColumnCount)
            throw new InvalidOperationException($"Shape mismatch: module {actual.RowCount}×{actual.ColumnCount}, oracle {expected.RowCount}×{expected.ColumnCount}.");
        double worst = 0;
        for (int r = 0; r < expected.RowCount; r++)
            for (int c = 0; c < expected.ColumnCount; c++)
            {
                double e = Math.Abs(actual[r, c] - expected[r, c]) / Math.Max(1, Math.Abs(expected[r, c]));
                worst = Math.Max(worst, double.IsNaN(e) ? double.PositiveInfinity : e);
            }
        return worst;
    }

    /// <summary>
    /// The prompt after a GD-type layer stack whose iterate is <paramref name="w"/> (spec 4.2 / 5.2): x-slots unchanged,
    /// context y-slots <c>y_i − (W − W0) x_i</c>, query y-slot <c>−W x_q</c>.
    /// </summary>
    public static Matrix<double> GdState(RegressionPrompt p, Matrix<double> w)
    {
        var z = Matrix<double>.Build.Dense(p.N + 1, p.D + p.O);
        z.SetSubMatrix(0, 0, p.X);
        z.SetRow(p.N, 0, p.D, p.Xq);
        z.SetSubMatrix(0, p.D, p.Y - p.X * (w - p.W0).Transpose());
        z.SetSubMatrix(p.N, p.D, -(w * p.Xq).ToRowMatrix());
        return z;
    }

    /// <summary>Batch element <paramref name="b"/> of a <c>(B, T, D)</c> tensor as a float64 MathNet matrix (copied to the CPU).</summary>
    public static Matrix<double> Row(Tensor z, int b = 0)
    {
        using var scope = NewDisposeScope();
        return z[b].to_type(ScalarType.Float64).cpu().ToMatrix();
    }

    /// <summary>A dashed <c>y = x</c> line across <c>[lo, hi]</c>.</summary>
    public static void AddDiagonal(Plot plot, double lo, double hi)
    {
        var diagonal = plot.Add.Line(lo, lo, hi, hi);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "y = x";
    }

    /// <summary><c>log10(max(v, floor))</c>, for log-scale plots of errors that may reach 0.</summary>
    public static double Log10(double v, double floor = 1e-17) => Math.Log10(Math.Max(v, floor));
}
