using System.Globalization;
using System.Text;
using NeuralTheory.Lab.Verification;

namespace NeuralTheory.Lab.Reporting;

/// <summary>
/// Writes <c>report.md</c>: the environment, the table of all claims (claim, paper, measured, expected, tolerance, verdict,
/// seconds), then one section per check with its claim, source,
/// note and figure (linked by its path relative to the report, e.g. <c>figures/foundation.torch-loads.png</c>).
/// </summary>
public static class MarkdownReport
{
    /// <summary>The file name inside the report directory.</summary>
    public const string FileName = "report.md";

    /// <summary>Formats a number for tables: <paramref name="digits"/> significant digits, invariant culture; NaN and ±∞ spelled out.</summary>
    public static string Format(double value, int digits = 6) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "−∞",
        _ => value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
    };

    /// <summary>Renders the report.</summary>
    public static string Render(IReadOnlyList<CheckOutcome> outcomes, EnvironmentInfo environment)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(environment);
        var md = new StringBuilder();
        int passed = outcomes.Count(o => o.Passed);
        md.AppendLine("# NeuralTheory Lab: verify");
        md.AppendLine();
        md.AppendLine($"{passed} of {outcomes.Count} checks passed. Passed means |measured − expected| ≤ tolerance.");
        md.AppendLine();
        md.AppendLine("## Environment");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        md.AppendLine($"| OS | {Cell(environment.Os)} |");
        md.AppendLine($"| .NET | {Cell(environment.DotNet)} |");
        md.AppendLine($"| TorchSharp | {Cell(environment.TorchSharp)} |");
        md.AppendLine($"| libtorch | {Cell(environment.Libtorch ?? "unknown")} |");
        md.AppendLine($"| Device | {Cell(environment.Device)} |");
        md.AppendLine($"| Threads (torch) | {environment.Threads} |");
        md.AppendLine($"| Machine cores | {environment.MachineCores} |");
        md.AppendLine($"| Seed | {environment.Seed} |");
        md.AppendLine($"| Timestamp (UTC) | {environment.TimestampUtc.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} |");
        md.AppendLine();
        md.AppendLine("## Results");
        md.AppendLine();
        md.AppendLine("| Id | Claim | Paper | Measured | Expected | Tolerance | Verdict | Seconds |");
        md.AppendLine("|---|---|---|---:|---:|---:|:---:|---:|");
        foreach (var o in outcomes)
        {
            var r = o.Result;
            md.AppendLine($"| [`{o.Id}`](#{Anchor(o.Id)}) | {Cell(o.Claim)} | {Cell(o.Source)} | {Format(r.Measured)} | {Format(r.Expected)} | {Format(r.Tolerance)} | {(r.Passed ? "pass" : "**FAIL**")} | {r.Seconds.ToString("F3", CultureInfo.InvariantCulture)} |");
        }
        md.AppendLine();
        md.AppendLine($"Total time of the checks: {outcomes.Sum(o => o.Result.Seconds).ToString("F1", CultureInfo.InvariantCulture)} s.");
        md.AppendLine();
        md.AppendLine("## Checks");
        foreach (var o in outcomes)
        {
            md.AppendLine();
            md.AppendLine($"### {o.Id}");
            md.AppendLine();
            md.AppendLine($"- Area: {o.Area}");
            md.AppendLine($"- Claim: {o.Claim}");
            md.AppendLine($"- Source: {o.Source}");
            md.AppendLine($"- Result: {(o.Passed ? "passed" : "FAILED")} — measured {Format(o.Result.Measured)}, expected {Format(o.Result.Expected)}, tolerance {Format(o.Result.Tolerance)}");
            if (!string.IsNullOrWhiteSpace(o.Result.Note)) md.AppendLine($"- Note: {o.Result.Note}");
            if (o.Result.FigurePath is { } figure)
            {
                md.AppendLine();
                md.AppendLine($"![{o.Id}]({figure})");
            }
        }
        return md.ToString();
    }

    /// <summary>Writes the report to <c><paramref name="outputDirectory"/>/report.md</c>; returns the full path.</summary>
    public static string Write(string outputDirectory, IReadOnlyList<CheckOutcome> outcomes, EnvironmentInfo environment)
    {
        Directory.CreateDirectory(outputDirectory);
        string path = Path.Combine(outputDirectory, FileName);
        File.WriteAllText(path, Render(outcomes, environment));
        return path;
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    // GitHub's heading anchors: lower case, punctuation other than '-' and '_' dropped, spaces to '-'.
    private static string Anchor(string heading) =>
        new(heading.ToLowerInvariant().Where(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' or ' ').Select(ch => ch == ' ' ? '-' : ch).ToArray());
}
