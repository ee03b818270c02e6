using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Numerics.Regression;
using static NeuralTheory.Numerics.Tests.Regression.SpecNumbers;

namespace NeuralTheory.Numerics.Tests.Regression;

public class RegressionTasksTests
{
    [Fact]
    public void Same_seed_same_tasks_other_seed_other_tasks()
    {
        var options = new RegressionTaskOptions(3, 5) { NoiseVariance = 0.1 };
        var a = RegressionTasks.Sample(options, 3, 7);
        var b = RegressionTasks.Sample(options, 3, 7);
        var c = RegressionTasks.Sample(options, 3, 8);
        for (int m = 0; m < 3; m++)
        {
            Assert.Equal(a[m].X, b[m].X);
            Assert.Equal(a[m].Y, b[m].Y);
            Assert.Equal(a[m].Yq, b[m].Yq);
        }
        Assert.NotEqual(a[0].X, c[0].X);
        Assert.Equal((5, 3, 1), (a[0].ContextLength, a[0].InputDimension, a[0].OutputDimension));
    }

    [Fact]
    public void Noiseless_targets_are_linear_in_the_inputs()
    {
        // With σ² = 0, y = X w for a single w: the least-squares fit interpolates context and query.
        var task = new RegressionTasks(new RegressionTaskOptions(3, 8), 2).Next();
        var w = LeastSquares.Solve(task.X, task.YVector);
        Assert.True((task.X * w - task.YVector).AbsoluteMaximum() < 1e-12);
        Assert.True(Math.Abs(w * task.Xq - task.YqScalar) < 1e-12);
    }

    [Fact]
    public void Gaussian_inputs_have_covariance_sigma()
    {
        var tasks = RegressionTasks.Sample(new RegressionTaskOptions(2, 20) { Covariance = SigmaCorrelated }, 1000, 4);
        var x = Matrix<double>.Build.DenseOfRowVectors(tasks.SelectMany(t => t.X.EnumerateRows()));
        var cov = x.TransposeThisAndMultiply(x) / x.RowCount;   // 20 000 samples: entry s.e. ≤ 0.02
        Assert.True((cov - SigmaCorrelated).AbsoluteMaximum() < 0.08, cov.ToString());
    }

    [Fact]
    public void Whitened_task_has_covariance_sigma_inverse()
    {
        var options = new RegressionTaskOptions(2, 3) { Covariance = SigmaCorrelated, Model = RegressionDataModel.GaussianWhitenedTask };
        var tasks = RegressionTasks.Sample(options, 20_000, 5);
        var w = Matrix<double>.Build.DenseOfRowVectors(tasks.Select(t => LeastSquares.Solve(t.X, t.YVector)));
        var cov = w.TransposeThisAndMultiply(w) / w.RowCount;
        Assert.True((cov - SigmaCorrelated.Inverse()).AbsoluteMaximum() < 0.05, cov.ToString());
    }

    [Fact]
    public void Uniform_inputs_lie_in_the_box_with_variance_a_squared_over_three()
    {
        var tasks = RegressionTasks.Sample(new RegressionTaskOptions(4, 10) { Model = RegressionDataModel.Uniform, UniformHalfWidth = 0.5 }, 500, 6);
        var all = tasks.SelectMany(t => t.X.Enumerate()).ToArray();
        Assert.All(all, v => Assert.InRange(v, -0.5, 0.5));
        double variance = all.Select(v => v * v).Average();
        Assert.InRange(variance, 0.25 / 3 - 0.003, 0.25 / 3 + 0.003);   // 20 000 draws, s.e. 0.0005
    }

    [Fact]
    public void Noise_has_variance_sigma_squared()
    {
        var tasks = RegressionTasks.Sample(new RegressionTaskOptions(2, 10) { NoiseVariance = 0.25 }, 4000, 9);
        // The OLS residual over the context has E[RSS/N] = σ² (N − d)/N = 0.8 σ²; 4000 prompts give about 1% precision.
        double rss = tasks.Average(t => { var r = t.X * LeastSquares.Solve(t.X, t.YVector) - t.YVector; return r * r / t.ContextLength; });
        Assert.InRange(rss, 0.25 * 0.8 * 0.95, 0.25 * 0.8 * 1.05);
    }

    [Fact]
    public void Multi_output_tasks_have_o_columns()
    {
        var task = new RegressionTasks(new RegressionTaskOptions(3, 4) { OutputDimension = 2 }, 0).Next();
        Assert.Equal(2, task.Y.ColumnCount);
        Assert.Equal(2, task.Yq.Count);
        Assert.Throws<InvalidOperationException>(() => task.YVector);
    }
}
