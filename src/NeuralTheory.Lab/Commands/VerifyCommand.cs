using System.CommandLine;
using NeuralTheory.Lab.Checks;
using NeuralTheory.Lab.Reporting;
using NeuralTheory.Lab.Verification;
using Spectre.Console;

namespace NeuralTheory.Lab.Commands;

/// <summary>
/// <c>verify [--only PREFIX] [--out DIR]</c>: runs the registered checks (quick mode) with a progress display, prints
/// the results table and writes <c>results.json</c>, <c>report.md</c> and <c>figures/*.png</c> to DIR (default
/// <c>lab-report</c>). With <c>--baseline FILE</c> (a previous run's <c>results.json</c>, same seed) it also checks
/// determinism: every check's measured value must equal the baseline's bit for bit. Exit 0 only if every selected check
/// passed (and matched its baseline); 1 if one failed or differed; 2 if no id starts with PREFIX, the baseline cannot be
/// read, or the device is unavailable.
/// </summary>
public static class VerifyCommand
{
    /// <summary>The default report directory.</summary>
    public const string DefaultOutput = "lab-report";

    /// <summary>Builds the command.</summary>
    public static Command Create(IAnsiConsole console, GlobalOptions global, CheckRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(registry);
        var only = new Option<string?>("--only") { Description = "Run only the checks whose id starts with this prefix (e.g. foundation. or attention.gd)." };
        var output = new Option<string>("--out") { Description = "Report directory.", DefaultValueFactory = _ => DefaultOutput };
        var baseline = new Option<string?>("--baseline") { Description = "A previous run's results.json (same seed): every measured value must be bit-identical to it." };
        var command = new Command("verify", "Run every registered theorem check in quick mode; write results.json, report.md and figures.");
        command.Options.Add(only);
        command.Options.Add(output);
        command.Options.Add(baseline);
        command.SetAction(parseResult => Output.Guard(console, () => Execute(
            console, global, registry, parseResult, parseResult.GetValue(only), parseResult.GetValue(output) ?? DefaultOutput, parseResult.GetValue(baseline))));
        return command;
    }

    private static int Execute(IAnsiConsole console, GlobalOptions global, CheckRegistry registry, ParseResult parseResult, string? prefix, string outputDirectory, string? baselinePath)
    {
        IReadOnlyDictionary<string, double>? baseline = null;
        if (baselinePath is not null)
        {
            try { baseline = ResultsJson.ReadMeasured(baselinePath); }
            catch (ArgumentException ex)
            {
                Output.Error(console, ex.Message);
                return ExitCodes.Usage;
            }
        }
        var checks = registry.WithPrefix(prefix);
        if (checks.Count == 0)
        {
            Output.Error(console, registry.Checks.Count == 0
                ? "no checks are registered."
                : $"no check id starts with '{prefix}'. Check ids: {string.Join(", ", registry.Checks.Select(c => c.Id))}.");
            return ExitCodes.Usage;
        }
        if (!global.TryResolveDevice(parseResult, console, out var device)) return ExitCodes.Usage;
        int seed = parseResult.GetValue(global.Seed);

        string outDir = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(outDir);
        var environment = EnvironmentInfo.Capture(device, seed);
        var context = new CheckContext(device, seed, outDir);

        IReadOnlyList<CheckOutcome> outcomes = [];
        var wall = System.Diagnostics.Stopwatch.StartNew();
        console.Progress()
            .AutoClear(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var overall = progress.AddTask($"verify: 0/{checks.Count} checks", maxValue: checks.Count);
                var tasks = checks.Select(c => progress.AddTask(Markup.Escape(c.Id), autoStart: false, maxValue: 1)).ToList();
                outcomes = Verifier.Run(checks, context,
                    started: (_, i) => tasks[i].StartTask(),
                    finished: (o, i) =>
                    {
                        tasks[i].Description = $"{Markup.Escape(o.Id)} {(o.Passed ? "[green]passed[/]" : "[red]FAILED[/]")}";
                        tasks[i].Increment(1);
                        tasks[i].StopTask();
                        overall.Increment(1);
                        overall.Description = $"verify: {i + 1}/{checks.Count} checks";
                    });
                overall.StopTask();
            });
        wall.Stop();

        console.Write(ResultsTable(outcomes));
        foreach (var o in outcomes.Where(o => !o.Passed && !string.IsNullOrWhiteSpace(o.Result.Note)))
            console.MarkupLine($"[red]{Markup.Escape(o.Id)}[/]: {Markup.Escape(o.Result.Note!)}");

        string json = ResultsJson.Write(outDir, outcomes, environment);
        string report = MarkdownReport.Write(outDir, outcomes, environment);
        int passed = outcomes.Count(o => o.Passed);
        console.MarkupLine($"{passed}/{outcomes.Count} checks passed on {Markup.Escape(environment.Device)} (seed {seed}) in {wall.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} s.");
        console.MarkupLine($"Wrote {Markup.Escape(json)}");
        console.MarkupLine($"Wrote {Markup.Escape(report)}");
        int differing = 0;
        if (baseline is not null)
        {
            foreach (var o in outcomes)
            {
                if (!baseline.TryGetValue(o.Id, out double before))
                    console.MarkupLine($"[yellow]{Markup.Escape(o.Id)}[/]: not in the baseline, not compared.");
                else if (BitConverter.DoubleToInt64Bits(before) != BitConverter.DoubleToInt64Bits(o.Result.Measured) && !(double.IsNaN(before) && double.IsNaN(o.Result.Measured)))
                {
                    differing++;
                    console.MarkupLine($"[red]{Markup.Escape(o.Id)}[/]: measured {o.Result.Measured.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, baseline {before.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} (not bit-identical).");
                }
            }
            console.MarkupLine($"Determinism: {outcomes.Count(o => baseline.ContainsKey(o.Id)) - differing} of {outcomes.Count(o => baseline.ContainsKey(o.Id))} measured values are bit-identical to {Markup.Escape(baselinePath!)}.");
        }
        return passed == outcomes.Count && differing == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>The results as a console table.</summary>
    public static Table ResultsTable(IReadOnlyList<CheckOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("Id").NoWrap());
        table.AddColumn(new TableColumn("Measured").RightAligned());
        table.AddColumn(new TableColumn("Expected").RightAligned());
        table.AddColumn(new TableColumn("Tol.").RightAligned());
        table.AddColumn(new TableColumn("Pass").Centered());
        table.AddColumn(new TableColumn("Sec.").RightAligned());
        foreach (var o in outcomes)
        {
            var r = o.Result;
            table.AddRow(
                Markup.Escape(o.Id),
                MarkdownReport.Format(r.Measured, 3),
                MarkdownReport.Format(r.Expected, 3),
                MarkdownReport.Format(r.Tolerance, 3),
                r.Passed ? "[green]yes[/]" : "[red]NO[/]",
                r.Seconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return table;
    }
}
