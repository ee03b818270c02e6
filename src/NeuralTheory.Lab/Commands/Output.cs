using Spectre.Console;

namespace NeuralTheory.Lab.Commands;

/// <summary>Shared console output conventions: errors start with <c>error:</c>, all text is markup-escaped.</summary>
public static class Output
{
    /// <summary>Prints <c>error: message</c> in red.</summary>
    public static void Error(IAnsiConsole console, string message)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
    }

    /// <summary>Runs a command body; an unexpected exception is printed (type and message, inner first line) and becomes <see cref="ExitCodes.Error"/>.</summary>
    public static int Guard(IAnsiConsole console, Func<int> body)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return body();
        }
        catch (Exception ex)
        {
            var message = $"{ex.GetType().Name}: {ex.Message}";
            if (ex.InnerException is { } inner) message += $" ({inner.GetType().Name}: {inner.Message})";
            Error(console, message);
            return ExitCodes.Error;
        }
    }
}
