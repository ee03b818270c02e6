using System.CommandLine;
using NeuralTheory.Lab.Checks;
using NeuralTheory.Lab.Experiments;
using Spectre.Console;

namespace NeuralTheory.Lab.Commands;

/// <summary><c>list</c>: the registered checks (id, area, claim, source) and experiments (name, description). Needs no torch.</summary>
public static class ListCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(IAnsiConsole console, CheckRegistry checks, ExperimentRegistry experiments)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(checks);
        ArgumentNullException.ThrowIfNull(experiments);
        var command = new Command("list", "List the registered checks and experiments.");
        command.SetAction(_ => Output.Guard(console, () =>
        {
            console.MarkupLine($"[bold]Checks[/] ({checks.Checks.Count}, run with [blue]verify[/]):");
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn(new TableColumn("Id").NoWrap());
            table.AddColumn(new TableColumn("Area").NoWrap());
            table.AddColumn("Claim");
            table.AddColumn("Source");
            foreach (var c in checks.Checks)
                table.AddRow(Markup.Escape(c.Id), Markup.Escape(c.Area), Markup.Escape(c.Claim), Markup.Escape(c.Source));
            console.Write(table);
            WriteExperiments(console, experiments);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Prints the experiments table, or says clearly that none are registered yet.</summary>
    public static void WriteExperiments(IAnsiConsole console, ExperimentRegistry experiments)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(experiments);
        if (experiments.Experiments.Count == 0)
        {
            console.MarkupLine("[bold]Experiments[/] (run with [blue]reproduce NAME[/]): none registered yet.");
            return;
        }
        console.MarkupLine($"[bold]Experiments[/] ({experiments.Experiments.Count}, run with [blue]reproduce NAME[/]):");
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("Name").NoWrap());
        table.AddColumn("Description");
        foreach (var e in experiments.Experiments)
            table.AddRow(Markup.Escape(e.Name), Markup.Escape(e.Description));
        console.Write(table);
    }
}
