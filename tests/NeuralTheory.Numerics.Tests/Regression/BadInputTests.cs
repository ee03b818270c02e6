using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Numerics.Regression;
using static NeuralTheory.Numerics.Tests.Regression.SpecNumbers;

namespace NeuralTheory.Numerics.Tests.Regression;

/// <summary>Spec Section 8: each bad input raises ArgumentException (or its ArgumentOutOfRange subclass) naming the parameter.</summary>
public class BadInputTests
{
    private static Matrix<double> M(int r, int c, double v = 1.0) => Matrix<double>.Build.Dense(r, c, v);
    private static Vector<double> V(int n, double v = 1.0) => Vector<double>.Build.Dense(n, v);
    private static Matrix<double> WithNaN(Matrix<double> m) { var c = m.Clone(); c[0, 0] = double.NaN; return c; }
    private static Vector<double> WithInf(Vector<double> v) { var c = v.Clone(); c[0] = double.PositiveInfinity; return c; }

    private static void Throws<T>(string param, Action act) where T : ArgumentException
    {
        var ex = Assert.Throws<T>(act);
        Assert.Equal(param, ex.ParamName);
        Assert.Contains(param, ex.Message);
    }

    public static TheoryData<string, Action> ShapeAndFiniteness => new()
    {
        { "y", () => GradientDescent.Run(X, V(2), Xq, 0.1, 1) },                                 // X.rows ≠ Y.rows
        { "y", () => GradientDescent.Run(X, M(4, 1), Xq, 0.1, 1) },
        { "xq", () => GradientDescent.Run(X, Y, V(3), 0.1, 1) },                                 // |x_q| ≠ d
        { "w0", () => GradientDescent.Run(X, Y.ToColumnMatrix(), Xq, 0.1, 1, M(2, 2)) },         // W0 not o×d
        { "w0", () => GradientDescent.Run(X, Y, Xq, 0.1, 1, V(3)) },
        { "x", () => GradientDescent.Run(M(0, 2), V(0), Xq, 0.1, 1) },                           // N = 0
        { "x", () => GradientDescent.Run(WithNaN(X), Y, Xq, 0.1, 1) },                           // non-finite
        { "y", () => GradientDescent.Run(X, WithInf(Y), Xq, 0.1, 1) },
        { "xq", () => GradientDescent.Run(X, Y, WithInf(Xq), 0.1, 1) },
        { "w0", () => GradientDescent.Run(X, Y, Xq, 0.1, 1, WithInf(W0)) },
        { "preconditioners[1]", () => PreconditionedGradientDescent.Run(X, Y, Xq, [PgdA, M(3, 3)]) },
        { "preconditioner", () => PreconditionedGradientDescent.Run(X, Y, Xq, WithNaN(PgdA), 2) },
        { "xq", () => GdPlusPlus.RunTokens(X, Y, V(1), 0.1, 0.05, 1) },
        { "gammas", () => GdPlusPlus.RunPreconditioned(X, Y, Xq, [0.1, 0.1], [0.05]) },
        { "y", () => IterativeNewton.Run(X, V(4), Xq, 2) },
        { "x", () => IterativeNewton.Run(M(3, 2, 0.0), Y, Xq, 2) },                              // S = 0: no default α
        { "y", () => LeastSquares.Solve(X, V(2)) },
        { "x", () => Ridge.Solve(WithNaN(X), Y, 1.0) },
        { "sigma", () => OptimalPreconditioner.Compute(Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 0.5 }, { 0.4, 1.0 } }), 3) },   // not symmetric
        { "sigma", () => OptimalPreconditioner.Compute(Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 2.0 }, { 2.0, 1.0 } }), 3) },   // indefinite
        { "sigma", () => OptimalPreconditioner.Compute(M(2, 3), 3) },
        { "sigma", () => OptimalPreconditioner.Compute(WithNaN(SigmaCorrelated), 3) },
        { "a", () => OptimalPreconditioner.Risk(M(3, 3), SigmaCorrelated, 3) },
        { "sigma", () => Ridge.PosteriorMeanWhitenedTask(X, Y, M(2, 2, 0.0), 0.1) },
        { "options.Covariance", () => new RegressionTasks(new RegressionTaskOptions(2, 3) { Covariance = M(2, 2) }, 0) },   // singular Σ
        { "options.Covariance", () => new RegressionTasks(new RegressionTaskOptions(3, 3) { Covariance = SigmaCorrelated }, 0) },
        { "options.Covariance", () => new RegressionTasks(new RegressionTaskOptions(2, 3) { Model = RegressionDataModel.Uniform, Covariance = SigmaCorrelated }, 0) },
        { "yq", () => new RegressionTask(X, Y.ToColumnMatrix(), Xq, V(2)) },
        { "predictor", () => InContextLoss.Estimate(_ => V(2), new RegressionTaskOptions(2, 3), 10, 0) },
    };

    public static TheoryData<string, Action> Ranges => new()
    {
        { "eta", () => GradientDescent.Run(X, Y, Xq, 0.0, 1) },                                  // η ≤ 0
        { "eta", () => GradientDescent.Run(X, Y, Xq, -0.1, 1) },
        { "eta", () => GradientDescent.Run(X, Y, Xq, double.NaN, 1) },                           // non-finite hyper-parameter
        { "steps", () => GradientDescent.Run(X, Y, Xq, 0.1, -1) },                               // K < 0
        { "steps", () => PreconditionedGradientDescent.Run(X, Y, Xq, PgdA, -1) },
        { "gamma", () => GdPlusPlus.RunTokens(X, Y, Xq, 0.1, -0.01, 1) },                        // γ < 0
        { "eta", () => GdPlusPlus.RunPreconditioned(X, Y, Xq, 0.0, 0.05, 1) },
        { "steps", () => GdPlusPlus.RunTokens(X, Y, Xq, 0.1, 0.05, -2) },
        { "gammas[0]", () => GdPlusPlus.RunTokens(X, Y, Xq, [0.1], [double.PositiveInfinity]) },
        { "alpha", () => IterativeNewton.Run(X, Y, Xq, 2, 0.0) },                               // α ≤ 0
        { "alpha", () => IterativeNewton.Run(X, Y, Xq, 2, -1.0) },
        { "steps", () => IterativeNewton.Run(X, Y, Xq, -1) },
        { "lambda", () => Ridge.Solve(X, Y, -1e-9) },                                            // λ < 0
        { "lambda", () => Ridge.Solve(X, Y, double.NaN) },
        { "contextLength", () => OptimalPreconditioner.Compute(SigmaCorrelated, 0) },            // N < 1
        { "taskVariance", () => OptimalPreconditioner.Compute(SigmaCorrelated, 3, 0, 0.0) },     // τ² ≤ 0
        { "noiseVariance", () => OptimalPreconditioner.OptimalRisk(SigmaCorrelated, 3, -0.1) },  // σ² < 0
        { "contextLength", () => OptimalPreconditioner.ComputeWhitenedTask(SigmaCorrelated, 0) },
        { "noiseVariance", () => OptimalStepSize.Gaussian(10, 2, -1) },
        { "taskVariance", () => OptimalStepSize.GaussianRisk(10, 2, 0, -1) },
        { "contextLength", () => OptimalStepSize.GaussianStep(0, 2) },
        { "halfWidth", () => OptimalStepSize.Uniform(10, 10, 0) },
        { "taskVariance", () => Ridge.BayesLambda(0.1, 0) },
        { "options.NoiseVariance", () => new RegressionTasks(new RegressionTaskOptions(2, 3) { NoiseVariance = -1 }, 0) },
        { "options.ContextLength", () => new RegressionTasks(new RegressionTaskOptions(2, 0), 0) },
        { "options.TaskVariance", () => new RegressionTasks(new RegressionTaskOptions(2, 3) { TaskVariance = double.NaN }, 0) },
        { "taskCount", () => InContextLoss.Estimate(t => V(1), new RegressionTaskOptions(2, 3), 1, 0) },
        { "epsilon", () => IterativeNewton.PredictedSteps(0.5, 1.5) },
    };

    [Theory]
    [MemberData(nameof(ShapeAndFiniteness))]
    public void Shape_and_finiteness_errors_name_the_parameter(string param, Action act)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(act);
        Assert.IsNotType<ArgumentOutOfRangeException>(ex);
        Assert.Equal(param, ex.ParamName);
        Assert.Contains(param, ex.Message);
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Range_errors_name_the_parameter(string param, Action act) => Throws<ArgumentOutOfRangeException>(param, act);
}
