using NeuralTheory.Lab.Checks;
using NeuralTheory.Lab.Checks.Residual;
using NeuralTheory.Lab.Experiments;
using NeuralTheory.Lab.Verification;
using TorchSharp;

namespace NeuralTheory.Lab.Tests;

/// <summary>The four <c>residual.*</c> checks of issue 7 (ids, seed-0 verdicts, failure under a wrong condition) and the <c>resnet-scaling</c> experiment.</summary>
public class ResidualChecksTests
{
    private static readonly string[] PublishedIds =
    [
        "residual.euler-correspondence",
        "residual.implicit-regularization",
        "residual.scaling-regimes",
        "residual.smooth-init-ode-limit",
    ];

    public static TheoryData<string> Ids => new(PublishedIds);

    [Theory]
    [MemberData(nameof(Ids))]
    public void Check_is_registered_passes_on_seed_0_in_seconds_and_writes_its_figure(string id)
    {
        var check = Assert.Single(CheckRegistry.Default.Checks, c => c.Id == id);
        Assert.Equal("residual", check.Area);
        Assert.Matches("arXiv:(2206.06929|2309.01213)", check.Source);
        using var dir = new TempDirectory();
        var result = Verifier.RunOne(check, new CheckContext(torch.CPU, 0, dir.Path));
        Assert.True(result.Passed, $"{id}: measured {result.Measured}, expected {result.Expected}, tolerance {result.Tolerance}; {result.Note}");
        Assert.InRange(result.Seconds, 0, 30);
        Assert.Equal($"figures/{id}.png", result.FigurePath);
        Assert.True(File.Exists(Path.Combine(dir.Path, result.FigurePath!)));
    }

    [Fact]
    public void Residual_ids_are_exactly_the_four_published_ones()
    {
        var ids = CheckRegistry.Default.WithPrefix("residual.").Select(c => c.Id).ToList();
        Assert.Equal(PublishedIds.Order(StringComparer.Ordinal), ids);
    }

    [Fact]
    public void Checks_restore_the_thread_count()
    {
        int before = torch.get_num_threads();
        Assert.Equal(7, TorchThreads.Single(() => torch.get_num_threads() == 1 ? 7 : 0));
        Assert.Equal(before, torch.get_num_threads());
    }

    [Fact]
    public void An_alpha_25_percent_too_large_fails_the_scaling_criteria()
    {
        var wrong = TorchThreads.Single(() => ScalingRegimesCheck.Measure([0.5], [10, 100], 8, 16, 16, 0, alphaFactor: 1.25));
        var worst = ScalingRegimesCheck.Assess(wrong).Max(r => r.Ratio);
        Assert.True(worst > 1, $"alpha x 1.25 at beta = 1/2 gave only {worst:F3} of the allowed deviation");
    }

    [Fact]
    public void A_wrong_beta_one_quarter_cell_fails_the_explosion_criterion()
    {
        // Cells measured at beta = 1/2 but labelled 1/4: the log ratio stays ~0.22 instead of growing like sqrt(L).
        var measured = TorchThreads.Single(() => ScalingRegimesCheck.Measure([0.5], [10, 100], 4, 8, 16, 0));
        var relabelled = measured.Select(c => c with { Beta = 0.25, PredictedLog = c.Depth * Math.Pow(c.Depth, -0.5) * (0.25 - 0.5 / 16) }).ToArray();
        Assert.True(ScalingRegimesCheck.Assess(relabelled).Max(r => r.Ratio) > 1);
    }

    [Fact]
    public void The_euler_equality_fails_when_the_network_samples_other_weights()
    {
        var right = TorchThreads.Single(() => EulerCorrespondenceCheck.Measure());
        Assert.True(right.Max(r => r.EulerMismatch) <= EulerCorrespondenceCheck.EulerTolerance);
        var wrong = TorchThreads.Single(() => EulerCorrespondenceCheck.Measure(networkW1Factor: 1.001));
        Assert.True(wrong.Max(r => r.EulerMismatch) > EulerCorrespondenceCheck.EulerTolerance);
    }

    [Fact]
    public void A_reference_ode_with_other_weights_breaks_the_one_over_L_slope()
    {
        var wrong = TorchThreads.Single(() => SmoothInitOdeLimitCheck.Measure(0, referenceWFactor: 1.01));
        Assert.True(Math.Abs(wrong.Slope + 1) > SmoothInitOdeLimitCheck.SlopeTolerance, $"slope {wrong.Slope}");
    }

    [Fact]
    public void A_depth_independent_learning_rate_fails_the_implicit_regularization_criteria()
    {
        // Spec 8: with lr 0.01 instead of 0.01 L the dynamics freeze as L grows; D_L no longer scales like 1/L.
        var wrong = TorchThreads.Single(() => ImplicitRegularizationCheck.Measure(0, rateExponent: 0));
        Assert.False(Math.Abs(wrong.Slope + 1) <= ImplicitRegularizationCheck.SlopeTolerance && wrong.OthersPass, $"slope {wrong.Slope}, loss gap {wrong.LossGap}");
    }

    [Fact]
    public void Resnet_scaling_is_registered_and_its_tiny_variant_writes_figures_and_tables()
    {
        Assert.NotNull(ExperimentRegistry.Default.Find("resnet-scaling"));
        using var dir = new TempDirectory();
        var context = new ExperimentContext(torch.CPU, 0, dir.Path);
        new ResNetScalingExperiment(ResNetScalingSettings.Tiny).Run(context);
        foreach (var file in new[] { "figures/resnet-scaling-phase-L10.png", "figures/resnet-scaling-phase-L20.png", "figures/resnet-scaling-smoothness.png",
                     "figures/resnet-scaling-loss.png", "figures/resnet-scaling-weights.png", "figures/resnet-scaling-weights-iid.png", "resnet-scaling.md", "resnet-scaling-phase.csv", "resnet-scaling-training.csv" })
            Assert.Contains(file, context.WrittenFiles);
        var phase = File.ReadAllLines(Path.Combine(dir.Path, "resnet-scaling-phase.csv"));
        Assert.Equal(1 + 2 * 2 * 2, phase.Length);
        Assert.Contains("iid,8,", File.ReadAllText(Path.Combine(dir.Path, "resnet-scaling-training.csv")));
        Assert.Throws<ArgumentException>(() => new ResNetScalingExperiment(ResNetScalingSettings.Tiny with { Hursts = [1.0] }));
    }
}
