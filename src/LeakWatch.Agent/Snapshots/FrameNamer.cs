using LeakWatch.Core.Stacks;
using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Names stack frames during the walk: "Type.Method", and for application frames (not System.*, Microsoft.*) a
/// <see cref="CodeReference"/> with the IL offset of the call, so the report can show the source line. Identical
/// threads share return addresses, so the offset is looked up once per address.
/// </summary>
internal sealed class FrameNamer(ModuleMetadata metadata)
{
    private readonly Dictionary<ulong, string> _byAddress = [];

    public string Name(ClrStackFrame frame)
    {
        if (frame.Method is not { } method)
        {
            return $"[{frame.FrameName ?? frame.Kind.ToString()}]";
        }

        var ip = frame.InstructionPointer;
        if (_byAddress.TryGetValue(ip, out var cached))
        {
            return cached;
        }

        // The name from metadata, never the DAC's: see ModuleMetadata (runtime-async methods crash it on .NET 10).
        var name = $"{method.Type?.Name ?? "?"}.{metadata.MethodName(method)}";
        if (!RuntimeThreads.IsRuntimeFrame(name) && ip > 0)
        {
            // A return address points after the call: the call's own statement is one byte before it.
            var ilOffset = method.GetILOffset(ip - 1);
            if (ilOffset >= 0)
            {
                name = CodeReference.Append(name, method, ilOffset);
            }
        }

        _byAddress[ip] = name;
        return name;
    }
}
