using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Numerics.Common;
using NeuralTheory.Numerics.Regression;
using static NeuralTheory.Numerics.Tests.Regression.SpecNumbers;

namespace NeuralTheory.Numerics.Tests.Regression;

public class OptimalPreconditionerTests
{
    private static Matrix<double> Diag(params double[] d) => Matrix<double>.Build.DenseOfDiagonalArray(d);

    [Fact]
    public void Table_rows_of_spec_7_7()
    {
        var sigma1 = Diag(1, 0.25);
        Close(Diag(4.0 / 7, 4.0 / 3), OptimalPreconditioner.Compute(sigma1, 3));
        Close(RStarDiag, OptimalPreconditioner.OptimalRisk(sigma1, 3));

        Close(AStarCorrelated, OptimalPreconditioner.Compute(SigmaCorrelated, 10));
        Close(RStarCorrelated, OptimalPreconditioner.OptimalRisk(SigmaCorrelated, 10));

        var sigma3 = Diag(1, 1, 0.25, 0.0625, 1);
        Close(Diag(AStarAhDiagonal), OptimalPreconditioner.Compute(sigma3, 20));
        Close(RStarAh, OptimalPreconditioner.OptimalRisk(sigma3, 20));

        var identity = Matrix<double>.Build.DenseIdentity(5);
        Close((10.0 / 13) * identity, OptimalPreconditioner.Compute(identity, 20));
        Close(15.0 / 13, OptimalPreconditioner.OptimalRisk(identity, 20));
    }

    [Fact]
    public void Whitened_task_variant_of_spec_7_7()
    {
        Close(AStarWhitenedCorrelated, OptimalPreconditioner.ComputeWhitenedTask(SigmaCorrelated, 10));
        Close(RStarWhitenedCorrelated, OptimalPreconditioner.OptimalRiskWhitenedTask(SigmaCorrelated, 10));
        Close(RStarWhitenedCorrelated, OptimalPreconditioner.RiskWhitenedTask(AStarWhitenedCorrelated, SigmaCorrelated, 10), 1e-12);
    }

    [Fact]
    public void Full_risk_formula_at_the_optimum_equals_the_short_form()
    {
        foreach (var (noise, task) in new[] { (0.0, 1.0), (0.25, 1.0), (0.25, 0.2) })
        {
            var a = OptimalPreconditioner.Compute(SigmaCorrelated, 10, noise, task);
            Close(OptimalPreconditioner.OptimalRisk(SigmaCorrelated, 10, noise, task), OptimalPreconditioner.Risk(a, SigmaCorrelated, 10, noise, task), 1e-13);
        }
    }

    [Fact]
    public void Scaled_optimum_is_worse_spec_7_7()
    {
        double best = OptimalPreconditioner.Risk(AStarCorrelated, SigmaCorrelated, 10);
        double low = OptimalPreconditioner.Risk(0.9 * AStarCorrelated, SigmaCorrelated, 10);
        double high = OptimalPreconditioner.Risk(1.1 * AStarCorrelated, SigmaCorrelated, 10);
        Assert.True(low > best && high > best);
        Close(RiskAtScaledAStar, low, 1e-3);
        Close(RiskAtScaledAStar, high, 1e-3);
        // R(cA*) = c² q − 2c l + r with q = l at the optimum, so R(cA*) − R(A*) = (c − 1)² q: symmetric about c = 1
        Close(low, high, 1e-12);
    }

    [Fact]
    public void Identity_covariance_reduces_to_Mahankali()
    {
        foreach (var row in MahankaliTable)
        {
            int n = (int)row[0], d = (int)row[1];
            var a = OptimalPreconditioner.Compute(Matrix<double>.Build.DenseIdentity(d), n, row[2], row[3]);
            Close(row[4] * Matrix<double>.Build.DenseIdentity(d), a);
            Close(row[5], OptimalPreconditioner.OptimalRisk(Matrix<double>.Build.DenseIdentity(d), n, row[2], row[3]));
        }
    }

    [Property(MaxTest = 100)]
    public Property A_star_minimises_the_risk_over_random_perturbations() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), Gen.Choose(1, 30).ToArbitrary(), Gen.Choose(1, 6).ToArbitrary(), (seed, n, d) =>
        {
            var rng = new SeededRandom(seed);
            var g = rng.GaussianMatrix(d, d);
            var sigma = g * g.Transpose() + 0.1 * Matrix<double>.Build.DenseIdentity(d);
            sigma = 0.5 * (sigma + sigma.Transpose());
            double noise = rng.NextUniform(), task = 0.1 + rng.NextUniform();
            var a = OptimalPreconditioner.Compute(sigma, n, noise, task);
            double best = OptimalPreconditioner.Risk(a, sigma, n, noise, task);
            var delta = rng.GaussianMatrix(d, d, 1e-2);
            var aw = OptimalPreconditioner.ComputeWhitenedTask(sigma, n, noise, task);
            double bestW = OptimalPreconditioner.RiskWhitenedTask(aw, sigma, n, noise, task);
            return Math.Abs(best - OptimalPreconditioner.OptimalRisk(sigma, n, noise, task)) <= 1e-10 * best
                && OptimalPreconditioner.Risk(a + delta, sigma, n, noise, task) > best
                && Math.Abs(bestW - OptimalPreconditioner.OptimalRiskWhitenedTask(sigma, n, noise, task)) <= 1e-10 * bestW
                && OptimalPreconditioner.RiskWhitenedTask(aw + delta, sigma, n, noise, task) > bestW;
        });

    [Fact]
    public void Monte_Carlo_loss_of_A_star_matches_the_formula()
    {
        // Spec 7.7's Monte Carlo check, with M = 20 000 prompts: within 4 standard errors of R(A*) = 0.677873...
        var options = new RegressionTaskOptions(2, 10) { Covariance = SigmaCorrelated };
        var a = OptimalPreconditioner.Compute(SigmaCorrelated, 10);
        var estimate = InContextLoss.Estimate(t => Vector<double>.Build.Dense(1, t.Xq * (a * (t.X.TransposeThisAndMultiply(t.YVector) / t.ContextLength))), options, 20_000, seed: 0);
        Assert.Equal(20_000, estimate.TaskCount);
        Assert.InRange(estimate.StandardError, 1e-3, 0.05);
        Assert.True(Math.Abs(estimate.Mean - RStarCorrelated) <= 4 * estimate.StandardError,
            $"MC {estimate.Mean} ± {estimate.StandardError} vs formula {RStarCorrelated}");
    }

    [Fact]
    public void Monte_Carlo_loss_of_the_whitened_task_optimum_matches_the_formula()
    {
        var options = new RegressionTaskOptions(2, 10) { Covariance = SigmaCorrelated, Model = RegressionDataModel.GaussianWhitenedTask, NoiseVariance = 0.1 };
        var a = OptimalPreconditioner.ComputeWhitenedTask(SigmaCorrelated, 10, 0.1);
        var estimate = InContextLoss.Estimate(t => Vector<double>.Build.Dense(1, t.Xq * (a * (t.X.TransposeThisAndMultiply(t.YVector) / t.ContextLength))), options, 20_000, seed: 1);
        double formula = OptimalPreconditioner.OptimalRiskWhitenedTask(SigmaCorrelated, 10, 0.1);
        Assert.True(Math.Abs(estimate.Mean - formula) <= 4 * estimate.StandardError, $"MC {estimate.Mean} ± {estimate.StandardError} vs formula {formula}");
    }
}
