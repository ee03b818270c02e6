using System.CommandLine;
using NeuralTheory.Lab.Checks;
using NeuralTheory.Lab.Commands;
using NeuralTheory.Lab.Experiments;
using Spectre.Console;

namespace NeuralTheory.Lab;

/// <summary>
/// The Lab's command line: <c>verify</c>, <c>list</c>, <c>doctor</c>, <c>reproduce</c>, with the global options
/// <c>--device</c> and <c>--seed</c>. Everything is written to the given console, so tests run the app in-process.
/// </summary>
public static class LabApp
{
    /// <summary>
    /// Parses <paramref name="args"/>, runs the command and returns its exit code (see <see cref="ExitCodes"/>; a parse
    /// error, printed with the command's help, is <see cref="ExitCodes.Usage"/>).
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="console">Where all output goes, parse errors and help included.</param>
    public static int Run(string[] args, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var root = BuildRootCommand(console, CheckRegistry.Default, ExperimentRegistry.Default);
        var writer = console.Profile.Out.Writer;
        var parseResult = root.Parse(args);
        int exit = parseResult.Invoke(new InvocationConfiguration { Output = writer, Error = writer });
        // System.CommandLine answers a parse error (printed with the help) with 1, which the Lab reserves for failed checks.
        return parseResult.Errors.Count > 0 ? ExitCodes.Usage : exit;
    }

    /// <summary>Builds the root command over the given registries.</summary>
    public static RootCommand BuildRootCommand(IAnsiConsole console, CheckRegistry checks, ExperimentRegistry experiments)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(checks);
        ArgumentNullException.ThrowIfNull(experiments);
        var global = new GlobalOptions();
        var root = new RootCommand("NeuralTheory Lab: numerical checks of the theorems behind NeuralTheory, with reports and figures.");
        global.AddTo(root);
        root.Subcommands.Add(VerifyCommand.Create(console, global, checks));
        root.Subcommands.Add(ListCommand.Create(console, checks, experiments));
        root.Subcommands.Add(DoctorCommand.Create(console, global));
        root.Subcommands.Add(ReproduceCommand.Create(console, global, experiments));
        return root;
    }
}
