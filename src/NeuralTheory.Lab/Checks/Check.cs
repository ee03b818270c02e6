using System.Text.RegularExpressions;

namespace NeuralTheory.Lab.Checks;

/// <summary>
/// A quick, self-contained numerical check of one theoretical claim: it computes a measured value, compares it with an
/// expected value under a tolerance and says which paper the claim comes from. <c>verify</c> runs every concrete
/// subclass in this assembly (see <see cref="CheckRegistry"/>); each must take seconds, not minutes.
/// </summary>
/// <remarks>
/// Ids are <c>area.claim-in-words</c> (lower-case letters, digits and single hyphens on each side of exactly one dot)
/// and never change once published: reports and scripts read them. Subclasses need a public parameterless
/// constructor to be discovered.
/// </remarks>
public abstract partial class Check
{
    /// <summary>The dotted id, <c>area.name</c>, e.g. <c>foundation.torch-loads</c>.</summary>
    public abstract string Id { get; }

    /// <summary>The claim in one sentence.</summary>
    public abstract string Claim { get; }

    /// <summary>The paper (or document) the claim comes from.</summary>
    public abstract string Source { get; }

    /// <summary>The area: the part of <see cref="Id"/> before the dot.</summary>
    public string Area => AreaOf(Id);

    /// <summary>Runs the check. Tensors created here are disposed by the caller's dispose scope.</summary>
    /// <param name="context">Device, seed and where figures go.</param>
    /// <returns>The measurement; <see cref="CheckResult.Seconds"/> is filled in by the <c>Verifier</c>.</returns>
    public abstract CheckResult Run(CheckContext context);

    /// <summary>Whether <paramref name="id"/> has the form <c>area.name</c> (see the class remarks).</summary>
    public static bool IsWellFormedId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>The area of a well-formed id: the part before the dot.</summary>
    /// <exception cref="ArgumentException">The id is not well formed.</exception>
    public static string AreaOf(string id)
    {
        if (!IsWellFormedId(id))
            throw new ArgumentException($"'{id}' is not a check id of the form area.name (e.g. foundation.torch-loads).", nameof(id));
        return id[..id.IndexOf('.', StringComparison.Ordinal)];
    }

    /// <inheritdoc />
    public override string ToString() => Id;

    [GeneratedRegex(@"^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
