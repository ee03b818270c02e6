using NeuralTheory.Lab.Checks;

namespace NeuralTheory.Lab.Verification;

/// <summary>A check's identity (id, area, claim, source) together with its result: one row of the report.</summary>
/// <param name="Id">The check id.</param>
/// <param name="Area">The area (the id's prefix before the dot).</param>
/// <param name="Claim">The claim in one sentence.</param>
/// <param name="Source">The paper the claim comes from.</param>
/// <param name="Result">What was measured, with the verdict and the time.</param>
public sealed record CheckOutcome(string Id, string Area, string Claim, string Source, CheckResult Result)
{
    /// <summary>Pairs <paramref name="check"/> with its <paramref name="result"/>.</summary>
    public static CheckOutcome Of(Check check, CheckResult result)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(result);
        return new CheckOutcome(check.Id, check.Area, check.Claim, check.Source, result);
    }

    /// <summary>Whether the check passed.</summary>
    public bool Passed => Result.Passed;
}
