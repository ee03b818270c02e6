using System.CommandLine;
using NeuralTheory.Lab.Diagnostics;
using NeuralTheory.Lab.Reporting;
using NeuralTheory.NativePatch;
using Spectre.Console;
using TorchSharp;

namespace NeuralTheory.Lab.Commands;

/// <summary>
/// <c>doctor</c>: TorchSharp and libtorch versions, the devices found, torch's thread count, and — on Linux — the
/// native floor of the loaded <c>libLibTorchSharp.so</c> against the loaded <c>libstdc++.so.6</c> in one line (both
/// paths read from <c>/proc/self/maps</c> after a tensor is created). Exit 0 when torch works and the requested
/// device is usable; 2 for an unavailable device; 1 when the floor cannot be read on Linux.
/// </summary>
public static class DoctorCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(IAnsiConsole console, GlobalOptions global)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(global);
        var command = new Command("doctor", "Show TorchSharp/libtorch versions, devices, threads and the native (GLIBCXX) floor.");
        command.SetAction(parseResult => Output.Guard(console, () => Execute(console, global, parseResult)));
        return command;
    }

    private static int Execute(IAnsiConsole console, GlobalOptions global, ParseResult parseResult)
    {
        console.MarkupLine($"TorchSharp: {Markup.Escape(EnvironmentInfo.TorchSharpVersion())}");
        console.MarkupLine($"libtorch backend: {Markup.Escape(EnvironmentInfo.LibtorchVersion() ?? "unknown (no libtorch package in the deps.json)")}");

        // Touch torch: this loads libtorch and libLibTorchSharp.so into the process.
        using (var probe = torch.ones(2, 2, dtype: torch.ScalarType.Float64))
        {
            double sum = probe.sum().item<double>();
            console.MarkupLine($"torch works: ones(2,2).sum() = {sum}");
        }
        bool cuda = torch.cuda.is_available();
        int count = cuda ? torch.cuda.device_count() : 0;
        console.MarkupLine($"devices: cpu available; cuda {(cuda ? $"available, {count} device(s)" : "not available (0 devices)")}");
        console.MarkupLine($"threads: torch.get_num_threads() = {torch.get_num_threads()}; machine cores = {Environment.ProcessorCount}");

        int exit = ExitCodes.Ok;
        if (!OperatingSystem.IsLinux())
        {
            console.MarkupLine("native floor: the GLIBCXX floor check applies to Linux only.");
        }
        else
        {
            string? torchSharp = LoadedLibraries.Find("libLibTorchSharp.so");
            string? libstdcxx = LoadedLibraries.Find("libstdc++.so.6");
            if (torchSharp is null)
            {
                Output.Error(console, "native floor: libLibTorchSharp.so is not mapped into this process (/proc/self/maps).");
                exit = ExitCodes.Failed;
            }
            else
            {
                // Written raw, not through Spectre's renderer, so the floor stays one line at any console width.
                var writer = console.Profile.Out.Writer;
                writer.WriteLine($"native floor: {NativeFloor.Inspect(torchSharp, libstdcxx)}");
                writer.WriteLine($"  loaded from {torchSharp}");
                writer.Flush();
            }
        }

        string requested = parseResult.GetValue(global.Device) ?? "cpu";
        if (!global.TryResolveDevice(parseResult, console, out var device)) return ExitCodes.Usage;
        console.MarkupLine($"requested device: {Markup.Escape(requested)} -> {Markup.Escape(device.ToString())} (usable)");
        return exit;
    }
}
