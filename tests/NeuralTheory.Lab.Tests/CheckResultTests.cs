using FsCheck.Xunit;
using NeuralTheory.Lab.Checks;

namespace NeuralTheory.Lab.Tests;

public class CheckResultTests
{
    [Theory]
    [InlineData(1.0, 1.0, 0.0, true)]
    [InlineData(1.5, 1.0, 0.5, true)]
    [InlineData(0.5, 1.0, 0.5, true)]
    [InlineData(1.5000001, 1.0, 0.5, false)]
    [InlineData(double.NaN, 1.0, 1e300, false)]
    [InlineData(double.PositiveInfinity, double.PositiveInfinity, 1.0, false)]
    [InlineData(1.0, double.NaN, 1.0, false)]
    public void Within_passes_iff_the_distance_is_at_most_the_tolerance(double measured, double expected, double tolerance, bool passed)
    {
        var r = CheckResult.Within(measured, expected, tolerance);
        Assert.Equal(passed, r.Passed);
        Assert.Equal(measured, r.Measured);
        Assert.Equal(expected, r.Expected);
        Assert.Equal(tolerance, r.Tolerance);
    }

    [Fact]
    public void Within_rejects_a_negative_or_NaN_tolerance()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CheckResult.Within(0, 0, -1e-300));
        Assert.Throws<ArgumentOutOfRangeException>(() => CheckResult.Within(0, 0, double.NaN));
    }

    [Property]
    public bool Within_is_symmetric_in_measured_and_expected(double a, double b, double tolerance) =>
        double.IsNaN(tolerance) || tolerance < 0
        || CheckResult.Within(a, b, tolerance).Passed == CheckResult.Within(b, a, tolerance).Passed;

    [Property]
    public bool A_finite_value_is_within_any_tolerance_of_itself(double value, double tolerance) =>
        !double.IsFinite(value) || double.IsNaN(tolerance) || tolerance < 0 || CheckResult.Within(value, value, tolerance).Passed;

    [Property]
    public bool A_non_finite_measurement_never_passes(double expected, double tolerance) =>
        double.IsNaN(tolerance) || tolerance < 0
        || !(CheckResult.Within(double.NaN, expected, tolerance).Passed
             || CheckResult.Within(double.PositiveInfinity, expected, tolerance).Passed
             || CheckResult.Within(double.NegativeInfinity, expected, tolerance).Passed);

    [Fact]
    public void Failure_has_no_measurement_and_fails()
    {
        var r = CheckResult.Failure("why");
        Assert.False(r.Passed);
        Assert.True(double.IsNaN(r.Measured));
        Assert.Equal("why", r.Note);
    }
}
