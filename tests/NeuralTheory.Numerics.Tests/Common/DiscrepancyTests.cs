using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Numerics.Common;

namespace NeuralTheory.Numerics.Tests.Common;

public class DiscrepancyTests
{
    [Fact]
    public void Relative_error_is_the_max_difference_over_the_max_reference_entry()
    {
        var reference = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, -4.0 }, { 2.0, 0.5 } });
        var actual = Matrix<double>.Build.DenseOfArray(new[,] { { 1.1, -4.0 }, { 2.0, 0.3 } });
        Assert.Equal(0.2 / 4.0, Discrepancy.RelativeMaxError(actual, reference), 15);
    }

    [Fact]
    public void Non_finite_entries_never_pass()
    {
        var reference = Vector<double>.Build.Dense(3, 1.0);
        var actual = Vector<double>.Build.DenseOfArray([1.0, double.NaN, 1.0]);
        Assert.Equal(double.PositiveInfinity, Discrepancy.RelativeMaxError(actual, reference));
        Assert.Equal(double.PositiveInfinity, Discrepancy.RelativeMaxError(reference, actual));
    }

    [Fact]
    public void Zero_reference_uses_the_floor()
    {
        var zero = Vector<double>.Build.Dense(2);
        var small = Vector<double>.Build.DenseOfArray([1e-3, 0]);
        Assert.Equal(1.0, Discrepancy.RelativeMaxError(small, zero, floor: 1e-3));
        Assert.Equal(0.0, Discrepancy.RelativeMaxError(zero, zero));
    }

    [Fact]
    public void Shape_mismatch_is_refused()
    {
        var a = Matrix<double>.Build.Dense(2, 3);
        var b = Matrix<double>.Build.Dense(3, 2);
        Assert.Contains("2×3", Assert.Throws<ArgumentException>(() => Discrepancy.RelativeMaxError(a, b)).Message);
        Assert.Throws<ArgumentException>(() => Discrepancy.RelativeMaxError(Vector<double>.Build.Dense(2), Vector<double>.Build.Dense(3)));
    }

    [Property(MaxTest = 200)]
    public bool Error_is_invariant_to_a_common_scale(int seed, byte exponent)
    {
        var rng = new SeededRandom(seed);
        var a = rng.GaussianMatrix(3, 4);
        var b = rng.GaussianMatrix(3, 4);
        double scale = Math.Pow(2, exponent % 40 - 20);
        double e1 = Discrepancy.RelativeMaxError(a, b);
        double e2 = Discrepancy.RelativeMaxError(scale * a, scale * b);
        return Math.Abs(e1 - e2) <= 1e-15 * e1;
    }
}
