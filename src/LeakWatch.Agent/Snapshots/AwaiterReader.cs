using Microsoft.Diagnostics.Runtime;

namespace LeakWatch.Agent.Snapshots;

/// <summary>
/// Reads what one <c>&lt;&gt;u__N</c> awaiter field of a state machine holds while the method is suspended there:
/// TaskAwaiter → <c>m_task</c>; ValueTaskAwaiter → <c>_value._obj</c> (a Task or an IValueTaskSource such as a
/// Channel's BlockedReadAsyncOperation or a socket's AwaitableSocketAsyncEventArgs); a reference-type awaiter → itself.
/// The compiler resets the field when the method resumes, so the one non-empty awaiter is the current await.
/// </summary>
internal sealed class AwaiterReader
{
    private readonly ClrInstanceField _field;
    private readonly ClrInstanceField[] _path;

    private AwaiterReader(ClrInstanceField field, ClrInstanceField[] path)
    {
        _field = field;
        _path = path;
    }

    public static AwaiterReader? For(ClrInstanceField field)
    {
        if (field.IsObjectReference)
        {
            return new AwaiterReader(field, []);
        }

        if (field.Type is not { } awaiterType)
        {
            return null;
        }

        if (awaiterType.GetFieldByName("m_task") is { IsObjectReference: true } task)
        {
            return new AwaiterReader(field, [task]);
        }

        if (awaiterType.GetFieldByName("_value") is { Type: { } valueTask } value && valueTask.GetFieldByName("_obj") is { IsObjectReference: true } obj)
        {
            return new AwaiterReader(field, [value, obj]);
        }

        return null;
    }

    /// <summary>The address of the awaited object, 0 when this awaiter is not in use.</summary>
    public ulong ReadAwaited(ulong machineAddress, bool interior)
    {
        if (_path.Length == 0)
        {
            return _field.ReadObject(machineAddress, interior).Address;
        }

        var address = _field.GetAddress(machineAddress, interior);
        for (var i = 0; i < _path.Length - 1; i++)
        {
            address = _path[i].GetAddress(address, interior: true);
        }

        return _path[^1].ReadObject(address, interior: true).Address;
    }
}
