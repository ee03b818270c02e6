using NeuralTheory.Residual;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Tests;

/// <summary>The usage snippet of docs/residual.md compiles and prints what the doc says (spec residual-scaling 6.1, 7.2).</summary>
public class ResidualDocsExampleTests
{
    [Fact]
    public void Docs_usage_example_runs_and_gives_the_spec_numbers()
    {
        var original = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
        // --- docs/residual.md, "Usage" ---
        // i.i.d. init at the critical scaling alpha = L^-1/2: log(||h_L|| / ||h_0||) stays of order one (spec 6.1: mean 0.2375 for d = 40).
        using var net = ResidualNetwork.Create(1000, 40, BranchType.TwoLayer, ResidualActivation.Relu,
            ResidualInit.IidGaussian(), ResidualScaling.Power(0.5), seed: 1);
        using var x = randn(200, 40, ScalarType.Float64);
        using var logRatio = ResidualDiagnostics.LogNormRatio(net, x);
        Console.WriteLine($"mean log ratio {logRatio.mean().item<double>():F3}");

        // The neural-ODE side (spec 7.2): alpha = 1/L and left-endpoint weights V((k-1)/L), W((k-1)/L) make the network explicit Euler.
        using var v0 = tensor(new double[] { 0.5, -0.3, 0.2, 0.4 }, [2, 2], ScalarType.Float64);
        using var v1 = tensor(new double[] { -0.6, 0.1, 0.3, 0.7 }, [2, 2], ScalarType.Float64);
        using var w0 = tensor(new double[] { 1.0, -0.5, 0.3, 0.8 }, [2, 2], ScalarType.Float64);
        using var w1 = tensor(new double[] { 0.7, 0.2, -0.9, 0.4 }, [2, 2], ScalarType.Float64);
        using var ode = ResidualOdeCorrespondence.FromOde(t => v0 + v1 * t, t => w0 + w1 * Math.Sin(Math.PI * t),
            depth: 4, BranchType.TwoLayer, ResidualActivation.Tanh);
        using var h0 = tensor(new double[] { 1, -2 }, [1, 2], ScalarType.Float64);
        using var states = ode.ForwardWithStates(h0);                        // [L+1, 1, 2]
        using var euler = ResidualOdeCorrespondence.EulerStates(ode, h0);    // the ODE area's Euler solver
        Console.WriteLine($"h_4 = ({states[4, 0, 0].item<double>():F6}, {states[4, 0, 1].item<double>():F6}), " +
                          $"max |network - Euler| = {(states - euler).abs().max().item<double>():E1}");
        // --- end ---
        string output = captured.ToString();
        Assert.Contains("h_4 = (1.519851, -2.336495)", output);
        double mean = double.Parse(output.Split("mean log ratio ")[1].Split('\n')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(mean, 0.2375 - 0.3, 0.2375 + 0.3);   // one network: its mean over inputs varies by ~0.06 (sd) between draws
        Assert.True((states - euler).abs().max().item<double>() <= 1e-14);
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
