using FsCheck;
using FsCheck.Fluent;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Numerics.Common;

namespace NeuralTheory.Numerics.Tests.Regression;

/// <summary>A random least-squares instance for property tests: N = 1..32, d = 1..8, optionally one column scaled by 1e−4.</summary>
public sealed record Instance(Matrix<double> X, Vector<double> Y, Vector<double> Xq, bool IllConditioned)
{
    public int N => X.RowCount;
    public int D => X.ColumnCount;
    public Matrix<double> C => X.TransposeThisAndMultiply(X) / N;
    public double LambdaMax => C.Evd(Symmetricity.Symmetric).EigenValues.Real().Max();
    public override string ToString() => $"N={N}, d={D}, ill={IllConditioned}, X={X.ToMatrixString()}";
}

internal static class RandomInstances
{
    public static Instance Build(int n, int d, int seed, bool illConditioned)
    {
        var rng = new SeededRandom(seed);
        var x = rng.GaussianMatrix(n, d);
        if (illConditioned) x.SetColumn(0, 1e-4 * x.Column(0));
        return new Instance(x, rng.GaussianVector(n), rng.GaussianVector(d), illConditioned);
    }

    public static Arbitrary<Instance> Any() =>
        (from n in Gen.Choose(1, 32)
         from d in Gen.Choose(1, 8)
         from seed in Gen.Choose(0, int.MaxValue)
         from ill in Gen.Elements(false, true)
         select Build(n, d, seed, ill)).ToArbitrary();

    /// <summary>Underdetermined (N &lt; d), well-conditioned instances.</summary>
    public static Arbitrary<Instance> Underdetermined() =>
        (from d in Gen.Choose(2, 8)
         from n in Gen.Choose(1, d - 1)
         from seed in Gen.Choose(0, int.MaxValue)
         select Build(n, d, seed, false)).ToArbitrary();

    /// <summary>Uniform draw in [lo, hi] for hyper-parameter fractions.</summary>
    public static Gen<double> Fraction(double lo, double hi) =>
        Gen.Choose(0, 1_000_000).Select(k => lo + (hi - lo) * k / 1_000_000.0);

    public static double RelativeMaxError(Matrix<double> a, Matrix<double> b) => Discrepancy.RelativeMaxError(a, b);
    public static double RelativeMaxError(Vector<double> a, Vector<double> b) => Discrepancy.RelativeMaxError(a, b);
}

internal static class MatrixTestExtensions
{
    /// <summary>max |m_ij| (MathNet has it for vectors only).</summary>
    public static double AbsoluteMaximum(this Matrix<double> m) => m.Enumerate().Max(Math.Abs);
}
