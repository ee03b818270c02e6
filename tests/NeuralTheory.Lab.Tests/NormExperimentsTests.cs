using System.Globalization;
using NeuralTheory.Lab.Experiments;
using NeuralTheory.Numerics.Diagnostics;
using TorchSharp;

namespace NeuralTheory.Lab.Tests;

/// <summary><c>reproduce norm-depth</c>: registered, and its tiny variant writes every figure and table with predicted columns.</summary>
public class NormExperimentsTests
{
    [Fact]
    public void Norm_depth_is_registered_and_its_tiny_variant_writes_figures_and_tables()
    {
        Assert.IsType<NormDepthExperiment>(ExperimentRegistry.Default.Find("norm-depth"));
        using var dir = new TempDirectory();
        var context = new ExperimentContext(torch.CPU, 0, dir.Path);
        var settings = NormDepthSettings.Tiny;
        new NormDepthExperiment(settings).Run(context);
        string[] expected =
        [
            "figures/norm-depth-orthogonality.png", "figures/norm-depth-floor.png", "figures/norm-depth-rank.png",
            "figures/norm-depth-isometry-d40.png", "figures/norm-depth-gradients.png", "norm-depth.md",
            "norm-depth-orthogonality.csv", "norm-depth-rank.csv", "norm-depth-isometry.csv", "norm-depth-gradients.csv",
        ];
        foreach (var file in expected)
        {
            Assert.Contains(file, context.WrittenFiles);
            Assert.True(new FileInfo(Path.Combine(dir.Path, file)).Length > 0, file);
        }
        var chain = File.ReadAllLines(Path.Combine(dir.Path, "norm-depth-orthogonality.csv"));
        Assert.Equal(1 + settings.Widths.Count * (settings.ChainDepth + 1), chain.Length);
        // Row "16,0,V0,pred": the predicted curve starts at the measured V_0 (spec 3.7's linearised recursion).
        var first = chain[1].Split(',');
        Assert.Equal(double.Parse(first[2], CultureInfo.InvariantCulture), double.Parse(first[3], CultureInfo.InvariantCulture), 1e-12);
        // Labels contain commas ("orthogonal, BN0, identity"): they are quoted so that every row has four fields.
        foreach (var line in File.ReadAllLines(Path.Combine(dir.Path, "norm-depth-gradients.csv")).Skip(1))
            Assert.Matches("^\"[^\"]+\",[0-9]+,[^,]+,[^,]+$", line);
        string md = File.ReadAllText(Path.Combine(dir.Path, "norm-depth.md"));
        foreach (var section in new[] { "## A.", "## B.", "## C.", "## D." }) Assert.Contains(section, md);
    }

    [Fact]
    public void The_predicted_chain_curve_starts_at_V0_and_tends_to_the_derived_floor()
    {
        double floor = PredictedRates.OrthogonalityGapFloor(8, 64);
        var curve = NormDepthExperiment.ChainPrediction(0.926, 0.8, floor, 200);
        Assert.Equal(0.926, curve[0], 1e-15);
        Assert.Equal(floor, curve[^1], 1e-12);
        Assert.True(curve.Zip(curve.Skip(1)).All(p => p.Second <= p.First));   // V_0 > V_∞: monotone decay
    }
}
