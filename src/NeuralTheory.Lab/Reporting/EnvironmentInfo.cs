using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TorchSharp;

namespace NeuralTheory.Lab.Reporting;

/// <summary>Where a report was produced: the environment block of <c>results.json</c> and <c>report.md</c>.</summary>
/// <param name="Os">Operating system description.</param>
/// <param name="DotNet">.NET runtime description.</param>
/// <param name="TorchSharp">TorchSharp assembly version.</param>
/// <param name="Libtorch">libtorch version, when it can be found (see <see cref="LibtorchVersion"/>); otherwise null.</param>
/// <param name="Device">The torch device the checks ran on.</param>
/// <param name="Threads">torch's intra-op thread count (<c>torch.get_num_threads()</c>).</param>
/// <param name="Seed">The seed.</param>
/// <param name="TimestampUtc">When the run started, UTC.</param>
/// <param name="MachineCores">Logical processors visible to the process.</param>
public sealed partial record EnvironmentInfo(
    string Os,
    string DotNet,
    string TorchSharp,
    string? Libtorch,
    string Device,
    int Threads,
    int Seed,
    DateTime TimestampUtc,
    int MachineCores)
{
    /// <summary>Captures the current process's environment (touches torch for the thread count).</summary>
    public static EnvironmentInfo Capture(torch.Device device, int seed)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new EnvironmentInfo(
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            TorchSharpVersion(),
            LibtorchVersion(),
            device.ToString(),
            torch.get_num_threads(),
            seed,
            DateTime.UtcNow,
            Environment.ProcessorCount);
    }

    /// <summary>The TorchSharp version (informational version without the commit suffix).</summary>
    public static string TorchSharpVersion()
    {
        var assembly = typeof(torch).Assembly;
        string? informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational)) return informational.Split('+')[0];
        return assembly.GetName().Version?.ToString() ?? "unknown";
    }

    /// <summary>
    /// The libtorch backend as <c>package version</c> (e.g. <c>libtorch-cpu-linux-x64 2.10.0</c>), read from the
    /// application's <c>*.deps.json</c> next to the running assemblies; null if no backend package is listed there.
    /// libtorch itself does not report its version through TorchSharp's API, and the backend package's version is
    /// libtorch's.
    /// </summary>
    public static string? LibtorchVersion()
    {
        try
        {
            foreach (string deps in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.deps.json"))
            {
                var match = BackendPackage().Match(File.ReadAllText(deps));
                if (match.Success) return $"{match.Groups[1].Value} {match.Groups[2].Value}";
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    [GeneratedRegex("\"(libtorch-(?:cpu|cuda)[a-z0-9.-]*)/([0-9][^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex BackendPackage();
}
