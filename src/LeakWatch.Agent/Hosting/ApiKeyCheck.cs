using System.Security.Cryptography;
using System.Text;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// Checks <c>Authorization: Bearer KEY</c> against the configured key in constant time: both sides are hashed first,
/// so neither the content nor the length of the key shows in the time an answer takes.
/// </summary>
public sealed class ApiKeyCheck(string key)
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public bool IsAuthorized(string? authorizationHeader)
    {
        const string scheme = "Bearer ";
        var presented = authorizationHeader is not null && authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            ? authorizationHeader[scheme.Length..].Trim()
            : "";
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(actual, _expected) && presented.Length > 0;
    }
}
