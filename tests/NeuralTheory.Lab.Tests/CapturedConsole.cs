using Spectre.Console;

namespace NeuralTheory.Lab.Tests;

/// <summary>An <see cref="IAnsiConsole"/> that writes plain text (no ANSI, no colours, not interactive) into a string.</summary>
internal sealed class CapturedConsole
{
    private readonly StringWriter _writer = new();

    public CapturedConsole()
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(_writer),
        });
        Console.Profile.Width = 240;
    }

    public IAnsiConsole Console { get; }

    public string Text => _writer.ToString();

    /// <summary>Runs the Lab in-process with <paramref name="args"/>; returns the exit code and everything it printed.</summary>
    public static (int Exit, string Output) Run(params string[] args)
    {
        var captured = new CapturedConsole();
        int exit = LabApp.Run(args, captured.Console);
        return (exit, captured.Text);
    }
}
