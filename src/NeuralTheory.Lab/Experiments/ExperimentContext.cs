using NeuralTheory.Lab.Reporting;
using NeuralTheory.Numerics.Common;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Experiments;

/// <summary>What an experiment runs with: device, seed, its own output directory and a progress sink.</summary>
public sealed class ExperimentContext
{
    private readonly Action<double, string> _progress;
    private readonly List<string> _written = [];

    /// <summary>Creates a context.</summary>
    /// <param name="device">The (already validated) torch device.</param>
    /// <param name="seed">The seed every random draw derives from.</param>
    /// <param name="outputDirectory">The experiment's directory (created here).</param>
    /// <param name="progress">Receives a fraction in [0, 1] and a short status message.</param>
    public ExperimentContext(Device device, int seed, string outputDirectory, Action<double, string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        Device = device;
        Seed = seed;
        OutputDirectory = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(OutputDirectory);
        _progress = progress ?? ((_, _) => { });
    }

    /// <summary>The torch device to run on.</summary>
    public Device Device { get; }

    /// <summary>The seed (the <c>--seed</c> option).</summary>
    public int Seed { get; }

    /// <summary>The experiment's output directory (absolute, exists).</summary>
    public string OutputDirectory { get; }

    /// <summary>Files written through <see cref="SaveFigure"/> and <see cref="WriteText"/>, relative to <see cref="OutputDirectory"/>.</summary>
    public IReadOnlyList<string> WrittenFiles => _written;

    /// <summary>A fresh generator for this run's seed, offset by <paramref name="stream"/> for independent streams.</summary>
    public SeededRandom Random(int stream = 0) => new(unchecked(Seed + stream));

    /// <summary>Reports progress: <paramref name="fraction"/> is clamped to [0, 1].</summary>
    public void Report(double fraction, string message) =>
        _progress(double.IsNaN(fraction) ? 0 : Math.Clamp(fraction, 0, 1), message ?? "");

    /// <summary>Saves a figure as <c>figures/&lt;name&gt;.png</c>; returns the relative path.</summary>
    public string SaveFigure(ScottPlot.Plot plot, string name)
    {
        string relative = Figures.Save(plot, OutputDirectory, name);
        _written.Add(relative);
        return relative;
    }

    /// <summary>Writes a text file (CSV, Markdown, JSON) at <paramref name="relativePath"/>; returns that path.</summary>
    /// <exception cref="ArgumentException">The path is rooted or leaves the output directory.</exception>
    public string WriteText(string relativePath, string contents)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        string full = Path.GetFullPath(Path.Combine(OutputDirectory, relativePath));
        if (Path.IsPathRooted(relativePath) || !full.StartsWith(OutputDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"'{relativePath}' must be a relative path inside the output directory.", nameof(relativePath));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, contents);
        string normalized = Path.GetRelativePath(OutputDirectory, full).Replace('\\', '/');
        _written.Add(normalized);
        return normalized;
    }
}
