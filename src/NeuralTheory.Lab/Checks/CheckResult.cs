namespace NeuralTheory.Lab.Checks;

/// <summary>
/// What a check measured, what theory expects, the tolerance, the verdict and the time it took — the Lab's analogue of
/// a solver's statistics. Non-finite numbers are allowed (a failed run reports NaN) and never pass.
/// </summary>
/// <param name="Measured">The measured value.</param>
/// <param name="Expected">The value the claim predicts.</param>
/// <param name="Tolerance">The allowed deviation, in the units the check states in its claim.</param>
/// <param name="Passed">The verdict.</param>
/// <param name="Seconds">Wall time of the check (set by the <c>Verifier</c>).</param>
/// <param name="FigurePath">The figure, relative to the output directory (e.g. <c>figures/foundation.torch-loads.png</c>), if one was drawn.</param>
/// <param name="Note">A remark for the report: how the number was measured, or why the check failed.</param>
public sealed record CheckResult(
    double Measured,
    double Expected,
    double Tolerance,
    bool Passed,
    double Seconds = 0,
    string? FigurePath = null,
    string? Note = null)
{
    /// <summary>Passes when <c>|measured − expected| ≤ tolerance</c>; NaN or infinite inputs fail.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The tolerance is negative or NaN.</exception>
    public static CheckResult Within(double measured, double expected, double tolerance, string? note = null)
    {
        if (double.IsNaN(tolerance) || tolerance < 0)
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be non-negative.");
        bool passed = double.IsFinite(measured) && double.IsFinite(expected) && Math.Abs(measured - expected) <= tolerance;
        return new CheckResult(measured, expected, tolerance, passed, Note: note);
    }

    /// <summary>A failed result without a measurement (measured, expected and tolerance are NaN), e.g. after an exception.</summary>
    public static CheckResult Failure(string note) => new(double.NaN, double.NaN, double.NaN, false, Note: note);
}
