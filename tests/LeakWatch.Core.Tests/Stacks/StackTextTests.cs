using LeakWatch.Core.Stacks;

namespace LeakWatch.Core.Tests.Stacks;

public class StackTextTests
{
    [Theory]
    [InlineData(new[] { "A.Wait", "B.Run" }, 200, "A.Wait;B.Run")]
    [InlineData(new[] { "Namespace.Type.Method", "Other" }, 10, "Namespace…")]
    public void Metric_labels_are_bounded(string[] frames, int maxLength, string expected)
    {
        var label = StackText.Label(frames, maxLength);
        Assert.Equal(expected, label);
        Assert.True(label.Length <= maxLength);
    }

    [Theory]
    [InlineData("Payments.Gateway.AuthorizeAsync (state 0)", "Payments.Gateway.AuthorizeAsync")]
    [InlineData("Payments.Gateway.AuthorizeAsync (state -1)", "Payments.Gateway.AuthorizeAsync")]
    [InlineData("No.State", "No.State")]
    public void WithoutState_drops_the_await_index(string method, string expected) =>
        Assert.Equal(expected, StackText.WithoutState(method));
}
