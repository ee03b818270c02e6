using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Bridge;
using NeuralTheory.Residual;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Checks.Residual;

/// <summary>Shared helpers of the <c>residual.*</c> checks (spec residual-scaling 6, 7.2).</summary>
internal static class ResidualCheckSupport
{
    /// <summary>The layer stack <c>[L, a, b]</c> as <c>L</c> MathNet matrices (float64).</summary>
    public static Matrix<double>[] Matrices(Tensor stack)
    {
        using var scope = NewDisposeScope();
        using var cpu = stack.detach().to_type(ScalarType.Float64).cpu();
        return Enumerable.Range(0, (int)cpu.shape[0]).Select(k => cpu[k].ToMatrix()).ToArray();
    }

    /// <summary>Row <paramref name="row"/> of a <c>[n, d]</c> tensor as a MathNet vector.</summary>
    public static Vector<double> Row(Tensor x, int row)
    {
        using var scope = NewDisposeScope();
        return x[row].detach().to_type(ScalarType.Float64).cpu().ToVector();
    }

    /// <summary>Least-squares slope of <paramref name="ys"/> on <paramref name="xs"/>.</summary>
    public static double Slope(IReadOnlyList<double> xs, IReadOnlyList<double> ys) => Ode.OdeCheckSupport.Slope(xs, ys);

    /// <summary>Sample mean and its standard error (sd/√n, sd with n − 1).</summary>
    public static (double Mean, double StandardError) MeanAndError(IReadOnlyList<double> values)
    {
        if (values.Count < 2) throw new ArgumentException("Need at least two values for a standard error.", nameof(values));
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return (mean, Math.Sqrt(variance / values.Count));
    }

    /// <summary>The median (average of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }

    /// <summary>The library's activation for the reference's.</summary>
    public static Numerics.Residual.ResNetActivation Reference(ResidualActivation sigma) => sigma switch
    {
        ResidualActivation.Identity => Numerics.Residual.ResNetActivation.Identity,
        ResidualActivation.Relu => Numerics.Residual.ResNetActivation.Relu,
        ResidualActivation.Tanh => Numerics.Residual.ResNetActivation.Tanh,
        _ => Numerics.Residual.ResNetActivation.Gelu,
    };

    /// <summary>Invariant-culture formatting.</summary>
    public static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
