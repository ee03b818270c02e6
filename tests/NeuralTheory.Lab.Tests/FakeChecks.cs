using NeuralTheory.Lab.Checks;

namespace NeuralTheory.Lab.Tests;

// Test doubles. The registry scans the Lab assembly only, so these never reach `verify`; tests pass them explicitly.

internal sealed class PassingFakeCheck : Check
{
    public override string Id => "fake.passes";
    public override string Claim => "1 equals 1.";
    public override string Source => "test double";
    public override CheckResult Run(CheckContext context) => CheckResult.Within(1, 1, 0);
}

internal sealed class FailingFakeCheck : Check
{
    public override string Id => "fake.fails";
    public override string Claim => "1 is within 0.5 of 0 (false on purpose).";
    public override string Source => "test double";
    public override CheckResult Run(CheckContext context) => CheckResult.Within(1, 0, 0.5);
}

internal sealed class ThrowingFakeCheck : Check
{
    public const string Message = "boom on purpose";
    public override string Id => "fake.throws";
    public override string Claim => "Never gets to claim anything.";
    public override string Source => "test double";
    public override CheckResult Run(CheckContext context) => throw new InvalidOperationException(Message);
}

internal sealed class FakeCheck(string id) : Check
{
    public override string Id => id;
    public override string Claim => "A claim.";
    public override string Source => "test double";
    public override CheckResult Run(CheckContext context) => CheckResult.Within(0, 0, 0);
}
