using LeakWatch.EndToEnd.Tests.Harness;

namespace LeakWatch.EndToEnd.Tests.Deploy;

/// <summary>
/// Every shipped file under deploy/ checked by the tool that consumes it (yamllint, kubernetes-models, promtool
/// check and test rules, amtool, dockerfilelint, Grafana's schema types): deploy/test/validate.sh, run as CI runs it.
/// </summary>
public class DeployKitTests
{
    [Fact]
    public async Task The_deploy_kit_validates()
    {
        using var validate = new ProcessRunner("bash", [Path.Combine(RepoPaths.Root, "deploy", "test", "validate.sh")]);

        var exitCode = await validate.WaitForExitAsync(TimeSpan.FromMinutes(5));

        Assert.True(exitCode == 0, validate.Transcript);
        Assert.Contains(validate.StandardOutput, line => line.StartsWith("validate: ", StringComparison.Ordinal) && line.EndsWith(" 0 failed", StringComparison.Ordinal));
    }
}
