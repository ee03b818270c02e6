using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Numerics.Regression;
using static NeuralTheory.Numerics.Tests.Regression.SpecNumbers;

namespace NeuralTheory.Numerics.Tests.Regression;

public class PreconditionedGradientDescentTests
{
    [Fact]
    public void Constant_preconditioner_matches_spec_7_3_table()
    {
        var run = PreconditionedGradientDescent.Run(X, Y, Xq, PgdA, 3);
        for (int k = 1; k <= 3; k++)
        {
            Close(PgdWeights[k - 1], run.Weights(k));
            Close(PgdPredictions[k - 1], run.Prediction(k));
        }
    }

    [Fact]
    public void The_transpose_of_A_is_applied()
    {
        var a = Matrix<double>.Build.DenseOfArray(new[,] { { 0.2, 0.07 }, { -0.03, 0.1 } });
        var run = PreconditionedGradientDescent.Run(X, Y, Xq, [a]);
        Close(a.Transpose() * B, run.Weights(1));
    }

    [Fact]
    public void Per_step_list_equals_constant_when_all_equal_and_zero_steps_return_w0()
    {
        var list = PreconditionedGradientDescent.Run(X, Y, Xq, [PgdA, PgdA, PgdA], W0);
        var constant = PreconditionedGradientDescent.Run(X, Y, Xq, PgdA, 3, W0);
        for (int k = 0; k <= 3; k++) Assert.Equal(constant.Iterates[k], list.Iterates[k]);
        var none = PreconditionedGradientDescent.Run(X, Y, Xq, PgdA, 0, W0);
        Assert.Equal(W0, none.Weights(0));
        Close(W0 * Xq, none.Prediction(0));
    }

    [Property(MaxTest = 100)]
    public Property Scaled_identity_preconditioner_is_plain_gd() =>
        Prop.ForAll(RandomInstances.Any(), RandomInstances.Fraction(0.05, 1.9).ToArbitrary(), (inst, u) =>
        {
            double eta = u / inst.LambdaMax;
            var w0 = Vector<double>.Build.Dense(inst.D, i => 0.1 * (i + 1));
            var pgd = PreconditionedGradientDescent.Run(inst.X, inst.Y, inst.Xq, eta * Matrix<double>.Build.DenseIdentity(inst.D), 6, w0);
            var gd = GradientDescent.Run(inst.X, inst.Y, inst.Xq, eta, 6, w0);
            return Enumerable.Range(0, 7).All(k =>
                RandomInstances.RelativeMaxError(pgd.Iterates[k], gd.Iterates[k]) <= 1e-12
                && Math.Abs(pgd.Prediction(k) - gd.Prediction(k)) <= 1e-12 * (1 + Math.Abs(gd.Prediction(k)))
                && Math.Abs(pgd.Losses[k] - gd.Losses[k]) <= 1e-12 * (1 + gd.Losses[k]));
        });
}
