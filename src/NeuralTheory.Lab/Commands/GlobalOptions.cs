using System.CommandLine;
using Spectre.Console;
using NeuralTheory.Bridge;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Commands;

/// <summary>The options every command accepts: <c>--device</c> and <c>--seed</c> (recursive, so they go before or after the command name).</summary>
public sealed class GlobalOptions
{
    /// <summary><c>--device cpu|cuda|cuda:N</c>, default <c>cpu</c>; validated with <see cref="DeviceCheck"/>.</summary>
    public Option<string> Device { get; } = new("--device")
    {
        Description = "Torch device: cpu, cuda or cuda:N.",
        DefaultValueFactory = _ => "cpu",
        Recursive = true,
    };

    /// <summary><c>--seed N</c>, default 0: every random draw of checks and experiments derives from it.</summary>
    public Option<int> Seed { get; } = new("--seed")
    {
        Description = "Seed of every random draw.",
        DefaultValueFactory = _ => 0,
        Recursive = true,
    };

    /// <summary>Adds both options to <paramref name="root"/>.</summary>
    public void AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Options.Add(Device);
        root.Options.Add(Seed);
    }

    /// <summary>
    /// Parses and validates the requested device. On failure prints a clear error (e.g. that CUDA is not available)
    /// to <paramref name="console"/> and returns false; never throws for an unavailable device.
    /// </summary>
    public bool TryResolveDevice(ParseResult parseResult, IAnsiConsole console, out Device device)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(console);
        string requested = parseResult.GetValue(Device) ?? "cpu";
        try
        {
            device = DeviceCheck.Parse(requested, "--device");
            return true;
        }
        catch (ArgumentException ex)
        {
            Output.Error(console, $"device '{requested}' cannot be used: {ex.Message}");
            device = CPU;
            return false;
        }
    }
}
