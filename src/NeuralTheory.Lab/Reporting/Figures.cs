using ScottPlot;

namespace NeuralTheory.Lab.Reporting;

/// <summary>ScottPlot 5 helpers: every Lab figure is a PNG of <see cref="Width"/> × <see cref="Height"/> pixels under <c>figures/</c>.</summary>
public static class Figures
{
    /// <summary>The folder, relative to the report directory, that holds the figures.</summary>
    public const string FolderName = "figures";

    /// <summary>Figure width in pixels.</summary>
    public const int Width = 600;

    /// <summary>Figure height in pixels.</summary>
    public const int Height = 400;

    /// <summary>
    /// Saves <paramref name="plot"/> as <c><paramref name="outputDirectory"/>/figures/<paramref name="name"/>.png</c>
    /// (creating the folder) and returns the path relative to <paramref name="outputDirectory"/>, with forward slashes
    /// so that it works as a Markdown link on every OS.
    /// </summary>
    /// <exception cref="ArgumentException">The name contains characters other than letters, digits, '.', '-' and '_'.</exception>
    public static string Save(Plot plot, string outputDirectory, string name)
    {
        ArgumentNullException.ThrowIfNull(plot);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_')) || name.StartsWith('.'))
            throw new ArgumentException($"'{name}' is not a safe figure file name.", nameof(name));
        string folder = Path.Combine(outputDirectory, FolderName);
        Directory.CreateDirectory(folder);
        plot.SavePng(Path.Combine(folder, name + ".png"), Width, Height);
        return $"{FolderName}/{name}.png";
    }

    /// <summary>
    /// A horizontal bar chart with one labelled bar per category (labels on the left, so long labels stay readable);
    /// the value axis starts at 0 and shows [0, 1] when every value is 0.
    /// </summary>
    public static Plot Bars(IReadOnlyList<string> labels, IReadOnlyList<double> values, string title, string valueLabel)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(values);
        if (labels.Count != values.Count)
            throw new ArgumentException($"{labels.Count} labels for {values.Count} values.", nameof(labels));
        var plot = new Plot();
        var bars = plot.Add.Bars(values.ToArray());
        bars.Horizontal = true;
        double[] positions = Enumerable.Range(0, values.Count).Select(i => (double)i).ToArray();
        plot.Axes.Left.SetTicks(positions, labels.ToArray());
        double top = values.Where(double.IsFinite).DefaultIfEmpty(0).Max();
        plot.Axes.SetLimitsX(0, top > 0 ? 1.15 * top : 1);
        plot.Axes.SetLimitsY(values.Count - 0.4, -0.6);
        plot.Title(title);
        plot.XLabel(valueLabel);
        return plot;
    }
}
