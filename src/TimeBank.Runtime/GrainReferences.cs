using System.Collections.Concurrent;
using TimeBank.Runtime.Internal;

namespace TimeBank.Runtime;

/// <summary>
/// How to make the typed reference of each grain interface. Filled by the references TimeBank.CodeGen
/// generates (a module initializer in each assembly that declares grain interfaces), read by
/// <see cref="GrainHost.AddGrainType{TGrainInterface}(string, Func{Grain})"/>.
/// </summary>
public static class GrainReferences
{
    private static readonly ConcurrentDictionary<Type, Func<GrainReferenceContext, GrainReference>> Factories = new();

    public static void Register<TGrainInterface>(Func<GrainReferenceContext, TGrainInterface> create)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(create);
        Factories[typeof(TGrainInterface)] = context => create(context) as GrainReference
            ?? throw new InvalidOperationException($"The reference for {typeof(TGrainInterface).Name} must derive from GrainReference.");
    }

    internal static Func<GrainReferenceContext, GrainReference> For(Type grainInterface)
    {
        // The module initializer of the interface's assembly registers it; make sure it has run.
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(grainInterface.Module.ModuleHandle);
        return Factories.TryGetValue(grainInterface, out var create)
            ? create
            : throw new InvalidOperationException(
                $"No generated reference for {grainInterface.Name}: the project declaring it must reference TimeBank.CodeGen as an analyzer " +
                "(<ProjectReference Include=\"...TimeBank.CodeGen.csproj\" OutputItemType=\"Analyzer\" ReferenceOutputAssembly=\"false\" />).");
    }
}
