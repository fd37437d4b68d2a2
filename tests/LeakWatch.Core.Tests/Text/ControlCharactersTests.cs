using LeakWatch.Core.Text;

namespace LeakWatch.Core.Tests.Text;

public class ControlCharactersTests
{
    [Theory]
    [InlineData("dotnet Orders.Api.dll --urls http://0.0.0.0:80", "dotnet Orders.Api.dll --urls http://0.0.0.0:80")]
    [InlineData("dotnet app.dll --note a\nfake 1 row", @"dotnet app.dll --note a\nfake 1 row")]
    [InlineData("tab\there", @"tab\there")]
    [InlineData("cr\rline", @"cr\rline")]
    [InlineData("\u001b[2Jcleared", @"\x1b[2Jcleared")]
    [InlineData("bell\u0007", @"bell\x07")]
    [InlineData(@"C:\path", @"C:\\path")]
    [InlineData("Заказы.Api ✓", "Заказы.Api ✓")]
    [InlineData("", "")]
    public void Escapes_what_could_break_a_row_or_drive_the_terminal(string text, string expected) =>
        Assert.Equal(expected, ControlCharacters.Escape(text));
}
