using System.CommandLine;
using System.Diagnostics;
using NeuralTheory.Lab.Experiments;
using Spectre.Console;
using TorchSharp;

namespace NeuralTheory.Lab.Commands;

/// <summary>
/// <c>reproduce NAME [--out DIR]</c> runs a long experiment, writing to <c>DIR/NAME/</c> (DIR defaults to
/// <c>lab-report</c>); <c>reproduce all</c> runs every experiment in name order, each into its own folder, with an overall
/// progress bar and an estimate of the time left (an experiment that throws is reported and the rest still run);
/// <c>reproduce --list</c> lists the experiments. Exit 0 on success, 1 if an experiment threw, 2 for a missing or
/// unknown name (the available names are printed) or an unavailable device.
/// </summary>
public static class ReproduceCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(IAnsiConsole console, GlobalOptions global, ExperimentRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(registry);
        var name = new Argument<string?>("name") { Description = $"The experiment to run (see reproduce --list), or '{All}' for every one.", Arity = ArgumentArity.ZeroOrOne };
        var list = new Option<bool>("--list") { Description = "List the experiments and exit." };
        var output = new Option<string>("--out") { Description = "Report directory; the experiment writes to DIR/NAME/.", DefaultValueFactory = _ => VerifyCommand.DefaultOutput };
        var command = new Command("reproduce", "Run a long experiment that reproduces a paper's figure or table.");
        command.Arguments.Add(name);
        command.Options.Add(list);
        command.Options.Add(output);
        command.SetAction(parseResult => Output.Guard(console, () =>
        {
            if (parseResult.GetValue(list))
            {
                ListCommand.WriteExperiments(console, registry);
                return ExitCodes.Ok;
            }
            string? requested = parseResult.GetValue(name);
            if (string.IsNullOrWhiteSpace(requested))
            {
                Output.Error(console, $"reproduce needs an experiment name. {Available(registry)}");
                return ExitCodes.Usage;
            }
            if (requested == All)
            {
                if (!global.TryResolveDevice(parseResult, console, out var allDevice)) return ExitCodes.Usage;
                return ExecuteAll(console, registry.Experiments, allDevice, parseResult.GetValue(global.Seed),
                    parseResult.GetValue(output) ?? VerifyCommand.DefaultOutput);
            }
            var experiment = registry.Find(requested);
            if (experiment is null)
            {
                Output.Error(console, $"unknown experiment '{requested}'. {Available(registry)}");
                return ExitCodes.Usage;
            }
            if (!global.TryResolveDevice(parseResult, console, out var device)) return ExitCodes.Usage;
            return Execute(console, experiment, device, parseResult.GetValue(global.Seed),
                Path.Combine(parseResult.GetValue(output) ?? VerifyCommand.DefaultOutput, experiment.Name));
        }));
        return command;
    }

    /// <summary>The name that runs every experiment (reserved: no experiment may take it).</summary>
    public const string All = ExperimentRegistry.ReservedName;

    /// <summary>One sentence naming the available experiments, or saying there are none yet.</summary>
    public static string Available(ExperimentRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.Experiments.Count == 0
            ? "Available experiments: none yet (no experiments are registered; later issues add them)."
            : $"Available experiments: {string.Join(", ", registry.Experiments.Select(e => e.Name))}.";
    }

    private static int ExecuteAll(IAnsiConsole console, IReadOnlyList<IExperiment> experiments, torch.Device device, int seed, string outputRoot)
    {
        if (experiments.Count == 0)
        {
            Output.Error(console, "there are no experiments to run.");
            return ExitCodes.Usage;
        }
        var results = new List<(string Name, double Seconds, Exception? Failure, ExperimentContext? Context)>();
        console.Progress()
            .AutoClear(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var overall = progress.AddTask(Markup.Escape($"{All}: 0/{experiments.Count} done"), maxValue: experiments.Count);
                var tasks = experiments.Select(e => progress.AddTask(Markup.Escape(e.Name), autoStart: false, maxValue: 1.0)).ToList();
                for (int i = 0; i < experiments.Count; i++)
                {
                    var (experiment, task) = (experiments[i], tasks[i]);
                    int done = i;
                    task.StartTask();
                    var stopwatch = Stopwatch.StartNew();
                    var (failure, context) = RunOne(experiment, device, seed, Path.Combine(outputRoot, experiment.Name), (fraction, message) =>
                    {
                        task.Value = fraction;
                        task.Description = Markup.Escape(string.IsNullOrEmpty(message) ? experiment.Name : $"{experiment.Name}: {message}");
                        overall.Value = done + Math.Clamp(fraction, 0, 1);
                    });
                    task.Value = 1.0;
                    task.StopTask();
                    overall.Value = done + 1;
                    overall.Description = Markup.Escape($"{All}: {done + 1}/{experiments.Count} done");
                    results.Add((experiment.Name, stopwatch.Elapsed.TotalSeconds, failure, context));
                }
                overall.StopTask();
            });
        foreach (var (n, seconds, failure, context) in results)
        {
            if (failure is not null)
                Output.Error(console, $"experiment '{n}' failed after {seconds:F1} s: {failure.GetType().Name}: {failure.Message}");
            else
                console.MarkupLine($"{Markup.Escape(n)} finished in {seconds:F1} s; wrote {context!.WrittenFiles.Count} files to {Markup.Escape(context.OutputDirectory)}");
        }
        int failed = results.Count(r => r.Failure is not null);
        console.MarkupLine($"{results.Count - failed} of {results.Count} experiments finished in {results.Sum(r => r.Seconds):F1} s.");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static (Exception? Failure, ExperimentContext Context) RunOne(IExperiment experiment, torch.Device device, int seed, string outputDirectory, Action<double, string> report)
    {
        var context = new ExperimentContext(device, seed, outputDirectory, report);
        try
        {
            using (torch.NewDisposeScope())
            {
                torch.random.manual_seed(seed);
                experiment.Run(context);
            }
            return (null, context);
        }
        catch (Exception ex)
        {
            return (ex, context);
        }
    }

    private static int Execute(IAnsiConsole console, IExperiment experiment, torch.Device device, int seed, string outputDirectory)
    {
        var stopwatch = Stopwatch.StartNew();
        ExperimentContext? context = null;
        Exception? failure = null;
        console.Progress()
            .AutoClear(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask(Markup.Escape(experiment.Name), maxValue: 1.0);
                context = new ExperimentContext(device, seed, outputDirectory, (fraction, message) =>
                {
                    task.Value = fraction;
                    task.Description = Markup.Escape(string.IsNullOrEmpty(message) ? experiment.Name : $"{experiment.Name}: {message}");
                });
                try
                {
                    using (torch.NewDisposeScope())
                    {
                        torch.random.manual_seed(seed);
                        experiment.Run(context);
                    }
                    task.Value = 1.0;
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
                task.StopTask();
            });
        if (failure is not null)
        {
            Output.Error(console, $"experiment '{experiment.Name}' failed: {failure.GetType().Name}: {failure.Message}");
            return ExitCodes.Failed;
        }
        console.MarkupLine($"{Markup.Escape(experiment.Name)} finished in {stopwatch.Elapsed.TotalSeconds:F1} s; wrote to {Markup.Escape(context!.OutputDirectory)}:");
        foreach (string file in context.WrittenFiles)
            console.MarkupLine($"  {Markup.Escape(file)}");
        return ExitCodes.Ok;
    }
}
