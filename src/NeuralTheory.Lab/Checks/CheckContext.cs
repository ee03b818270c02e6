using NeuralTheory.Lab.Reporting;
using NeuralTheory.Numerics.Common;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Checks;

/// <summary>What a check runs with: the torch device, the seed, and the directory its figure goes to.</summary>
public sealed class CheckContext
{
    /// <summary>Creates a context; figures go to <c><paramref name="outputDirectory"/>/figures/</c>.</summary>
    /// <param name="device">The (already validated) torch device.</param>
    /// <param name="seed">The seed every random draw derives from.</param>
    /// <param name="outputDirectory">The report directory (created on the first figure).</param>
    public CheckContext(Device device, int seed, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        Device = device;
        Seed = seed;
        OutputDirectory = Path.GetFullPath(outputDirectory);
    }

    /// <summary>The torch device to run on.</summary>
    public Device Device { get; }

    /// <summary>The seed (the <c>--seed</c> option).</summary>
    public int Seed { get; }

    /// <summary>The report directory (absolute).</summary>
    public string OutputDirectory { get; }

    /// <summary>Where figures go: <c>OutputDirectory/figures</c>.</summary>
    public string FigureDirectory => Path.Combine(OutputDirectory, Figures.FolderName);

    /// <summary>A fresh generator for this run's seed, offset by <paramref name="stream"/> for independent streams.</summary>
    public SeededRandom Random(int stream = 0) => new(unchecked(Seed + stream));

    /// <summary>Saves <paramref name="plot"/> as <c>figures/&lt;id&gt;.png</c> and returns that path relative to <see cref="OutputDirectory"/>.</summary>
    public string SaveFigure(ScottPlot.Plot plot, string checkId) => Figures.Save(plot, OutputDirectory, checkId);
}
