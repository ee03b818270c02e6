using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Numerics.Regression;
using static NeuralTheory.Numerics.Tests.Regression.SpecNumbers;

namespace NeuralTheory.Numerics.Tests.Regression;

public class OptimalStepSizeTests
{
    [Fact]
    public void Mahankali_table_of_spec_7_7()
    {
        foreach (var row in MahankaliTable)
        {
            var opt = OptimalStepSize.Gaussian((int)row[0], (int)row[1], row[2], row[3]);
            Close(row[4], opt.Eta);
            Close(row[5], opt.Risk);
            Close(row[5] / 2, opt.HalfMse);
        }
        Close(10.0 / 21, OptimalStepSize.GaussianStep(10, 10));
        Close(110.0 / 21, OptimalStepSize.GaussianRisk(10, 10));
    }

    [Fact]
    public void Uniform_data_of_spec_7_8()
    {
        var half = OptimalStepSize.Uniform(10, 10, 0.5);
        Close(UniformEtaHalf, half.Eta);
        Close(UniformRiskHalf, half.Risk);
        Close(UniformHalfMseHalf, half.HalfMse);
        var one = OptimalStepSize.Uniform(10, 10, 1.0);
        Close(UniformEtaOne, one.Eta);
        Close(UniformHalfMseOne, one.HalfMse);
    }

    [Fact]
    public void Gaussian_fourth_moment_reduces_the_iid_formula_to_Mahankali()
    {
        // m4 = 3 s² (Gaussian): η* = N / (s (N + d + 1)), R* = s d (d + 1)/(N + d + 1)
        foreach (var (n, d, s) in new[] { (10, 10, 1.0), (20, 5, 1.0), (7, 3, 2.5) })
        {
            var opt = OptimalStepSize.IndependentCoordinates(n, d, s, 3 * s * s);
            Close(OptimalStepSize.GaussianStep(n, d) / s, opt.Eta, 1e-14);
            Close(s * OptimalStepSize.GaussianRisk(n, d), opt.Risk, 1e-13);
        }
    }

    [Fact]
    public void The_optimal_step_minimises_the_iid_risk_curve()
    {
        var opt = OptimalStepSize.Uniform(10, 10, 0.5);
        double s = 0.25 / 3, m4 = 0.0625 / 5;
        Close(opt.Risk, OptimalStepSize.IndependentCoordinatesRisk(opt.Eta, 10, 10, s, m4), 1e-13);
        Assert.True(OptimalStepSize.IndependentCoordinatesRisk(0.9 * opt.Eta, 10, 10, s, m4) > opt.Risk);
        Assert.True(OptimalStepSize.IndependentCoordinatesRisk(1.1 * opt.Eta, 10, 10, s, m4) > opt.Risk);
    }

    [Fact]
    public void Gaussian_risk_curve_agrees_with_the_full_preconditioner_risk()
    {
        var i = Matrix<double>.Build.DenseIdentity(5);
        var opt = OptimalStepSize.Gaussian(20, 5, 0.25, 0.2);
        Close(opt.Risk, OptimalPreconditioner.Risk(opt.Eta * i, i, 20, 0.25, 0.2), 1e-13);
    }

    [Fact]
    public void Monte_Carlo_one_gd_step_on_uniform_data_matches_spec_7_8()
    {
        // (U), a = 0.5, d = N = 10: one GD step from 0 with η* has plain MSE 0.41245...; 20 000 prompts, 4 standard errors.
        var options = new RegressionTaskOptions(10, 10) { Model = RegressionDataModel.Uniform, UniformHalfWidth = 0.5 };
        double eta = OptimalStepSize.Uniform(10, 10, 0.5).Eta;
        var estimate = InContextLoss.Estimate(t => GradientDescent.Run(t.X, t.YVector, t.Xq, eta, 1).Predictions[1], options, 20_000, seed: 3);
        Assert.True(Math.Abs(estimate.Mean - UniformRiskHalf) <= 4 * estimate.StandardError,
            $"MC {estimate.Mean} ± {estimate.StandardError} vs formula {UniformRiskHalf}");
        Close(estimate.Mean / 2, estimate.HalfMse, 1e-15);
    }
}
