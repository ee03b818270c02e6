using NeuralTheory.Lab.Checks;
using NeuralTheory.Lab.Checks.Attention;
using NeuralTheory.Lab.Verification;
using NeuralTheory.Numerics.Common;
using NeuralTheory.Numerics.Regression;
using TorchSharp;

namespace NeuralTheory.Lab.Tests;

/// <summary>The six attention checks: found by id, pass on seed 0 with a figure, and their measurements can fail.</summary>
public class AttentionChecksTests
{
    private static readonly string[] AllIds =
    [
        "attention.gd-construction",
        "attention.gdpp-construction",
        "attention.multilayer-gd",
        "attention.newton-convergence",
        "attention.optimal-step",
        "attention.preconditioned-gd",
    ];

    public static TheoryData<string> Ids => new(AllIds);

    /// <summary>Every attention id the issue publishes: the six above plus the two training checks (run in TrainedAttentionTests).</summary>
    private static readonly string[] PublishedIds =
        [.. AllIds, "attention.trained-matches-gd", "attention.trained-preconditioner"];

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Check_is_registered_passes_on_seed_0_and_writes_its_figure(string id)
    {
        var check = Assert.Single(CheckRegistry.Default.Checks, c => c.Id == id);
        Assert.Equal("attention", check.Area);
        Assert.Matches("arXiv:(2212.07677|2306.00297|2307.03576|2310.17086)", check.Source);

        using var dir = new TempDirectory();
        var result = Verifier.RunOne(check, new CheckContext(torch.CPU, 0, dir.Path));
        Assert.True(result.Passed, $"{id}: measured {result.Measured}, expected {result.Expected}, tolerance {result.Tolerance}; {result.Note}");
        Assert.InRange(result.Seconds, 0, 30);
        Assert.Equal($"figures/{id}.png", result.FigurePath);
        string path = Path.Combine(dir.Path, result.FigurePath!);
        Assert.True(File.Exists(path), $"missing figure {path}");
        byte[] head = new byte[PngSignature.Length];
        using (var stream = File.OpenRead(path))
            Assert.Equal(head.Length, stream.Read(head, 0, head.Length));
        Assert.Equal(PngSignature, head);
    }

    [Fact]
    public void Attention_ids_are_exactly_the_eight_published_ones()
    {
        var ids = CheckRegistry.Default.WithPrefix("attention.").Select(c => c.Id).ToList();
        Assert.Equal(PublishedIds.Order(StringComparer.Ordinal), ids);   // sorted ordinally, as the registry sorts
    }

    [Fact]
    public void A_step_size_mismatch_between_module_and_oracle_fails_the_gd_measurement()
    {
        var instances = GdConstructionCheck.Draw(new SeededRandom(0));
        Assert.True(GdConstructionCheck.Measure(instances, torch.CPU).MaxError <= GdConstructionCheck.Tolerance);
        double wrong = GdConstructionCheck.Measure(instances, torch.CPU, moduleEtaScale: 1 + 1e-6).MaxError;
        Assert.True(wrong > GdConstructionCheck.Tolerance, $"an η off by 1e-6 relative gave only {wrong:E2}");
    }

    [Fact]
    public void A_wrong_last_layer_preconditioner_fails_the_pgd_measurement()
    {
        var instances = PreconditionedGdCheck.Draw(new SeededRandom(0));
        double wrong = PreconditionedGdCheck.Measure(instances, torch.CPU,
            moduleA: i => i.Preconditioners.Select((a, l) => l == PreconditionedGdCheck.Layers - 1 ? a * 1.001 : a).ToArray()).MaxError;
        Assert.True(wrong > PreconditionedGdCheck.Tolerance, $"a last-layer A off by 0.1% gave only {wrong:E2}");
    }

    [Fact]
    public void A_gamma_mismatch_fails_the_gdpp_measurement()
    {
        var instances = GdPlusPlusConstructionCheck.Draw(new SeededRandom(0));
        double wrong = GdPlusPlusConstructionCheck.Measure(instances, torch.CPU, moduleGammaScale: 1.01);
        Assert.True(wrong > GdPlusPlusConstructionCheck.Tolerance, $"a γ off by 1% gave only {wrong:E2}");
    }

    [Fact]
    public void The_newton_step_prediction_holds_for_newton_and_fails_for_linear_gd()
    {
        var (x, y, xq) = NewtonConvergenceCheck.Draw(new SeededRandom(0), 100);
        var outcome = NewtonConvergenceCheck.Measure(x, y, xq);
        Assert.InRange(outcome.NewtonSteps - outcome.PredictedNewtonSteps, -1, 1);
        // A linearly converging method measured against the quadratic prediction is off by far more than the ± 1.
        Assert.True(Math.Abs(outcome.GdSteps - outcome.PredictedNewtonSteps) > 1,
            $"GD took {outcome.GdSteps} steps, Newton's prediction is {outcome.PredictedNewtonSteps}");
    }

    [Fact]
    public void Data_with_a_different_noise_level_moves_the_argmin_outside_the_tolerance()
    {
        double expected = OptimalStepSize.GaussianStep(OptimalStepCheck.ContextLength, OptimalStepCheck.InputDim, OptimalStepCheck.NoiseVariance);
        // σ² = 4 moves the optimum to 20/30 ≈ 0.667; the check's expected 16/21 ≈ 0.762 must then be rejected.
        var m = OptimalStepCheck.Measure(torch.CPU, 0, prompts: 20_000, noiseVariance: 4.0);
        Assert.True(Math.Abs(m.Argmin - expected) > m.Tolerance, $"argmin {m.Argmin}, tolerance {m.Tolerance}");
        Assert.InRange(m.Argmin, 20.0 / 30 - m.Tolerance, 20.0 / 30 + m.Tolerance);
    }
}
