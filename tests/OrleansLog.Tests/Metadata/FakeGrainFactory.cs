using System.Globalization;
using System.Reflection;

namespace OrleansLog.Tests.Metadata;

/// <summary>
/// An <see cref="IGrainFactory"/> that hands out in-memory grains registered by interface and key, so client classes run in unit tests
/// without a cluster. Any other call fails, naming the method.
/// </summary>
// A DispatchProxy, so the factory's many GetGrain overloads need not be written out; DispatchProxy requires a public, unsealed class.
public class FakeGrainFactory : DispatchProxy
{
    private readonly Dictionary<(Type Interface, string Key), object> _grains = [];

    /// <summary>A new factory with no grains.</summary>
    public static FakeGrainFactory Create() => (FakeGrainFactory)(object)Create<IGrainFactory, FakeGrainFactory>();

    /// <summary>This factory as the client sees it.</summary>
    public IGrainFactory Grains => (IGrainFactory)(object)this;

    /// <summary>Makes <paramref name="grain"/> the <typeparamref name="TGrain"/> with key <paramref name="key"/> (a string or a long).</summary>
    public FakeGrainFactory Add<TGrain>(object key, TGrain grain)
        where TGrain : IGrain
    {
        _grains[(typeof(TGrain), KeyString(key))] = grain;
        return this;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && args is [string or long, ..])
        {
            var type = targetMethod.GetGenericArguments()[0];
            var key = KeyString(args[0]!);
            return _grains.TryGetValue((type, key), out var grain)
                ? grain
                : throw new InvalidOperationException($"No fake {type.Name} with key '{key}' was registered.");
        }

        throw new NotSupportedException($"FakeGrainFactory does not implement {targetMethod?.Name}.");
    }

    private static string KeyString(object key) => Convert.ToString(key, CultureInfo.InvariantCulture)!;
}
