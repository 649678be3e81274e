namespace TimeBank.CodeGen.Tests;

public sealed class GrainReferenceGeneratorTests
{
    [Fact]
    public void A_grain_interface_gets_a_reference_that_compiles_and_is_registered()
    {
        const string source = """
            using System.Threading.Tasks;
            using TimeBank.Runtime;
            namespace Shop;
            public interface IBaseGrain : IGrainWithStringKey { Task<string> NameAsync(); }
            public interface IStoreGrain : IBaseGrain
            {
                Task<int> CountAsync();
                Task<long> AddAsync(long amount);
                Task<string> MoveAsync(string from, int count, bool @checked);
            }
            public interface INotAGrain { Task<int> CountAsync(); }
            """;

        var (output, diagnostics, sources) = Generators.Run(new GrainReferenceGenerator(), source);

        Assert.Empty(diagnostics);
        Assert.Empty(output.Errors());
        var reference = Assert.Single(sources, s => s.Contains("class StoreGrainReference", StringComparison.Ordinal));
        Assert.Contains("g.MoveAsync(a.Item1, a.Item2, a.Item3), (from, count, @checked)", reference, StringComparison.Ordinal);
        Assert.Contains("NameAsync()", reference, StringComparison.Ordinal); // inherited methods too
        Assert.Contains(sources, s => s.Contains("class BaseGrainReference", StringComparison.Ordinal));
        Assert.DoesNotContain(sources, s => s.Contains("NotAGrainReference", StringComparison.Ordinal));
        var registrations = Assert.Single(sources, s => s.Contains("ModuleInitializer", StringComparison.Ordinal));
        Assert.Contains("Register<global::Shop.IStoreGrain>(static context => new global::Shop.StoreGrainReference(context))", registrations, StringComparison.Ordinal);
    }

    public static readonly TheoryData<string, string> BadMembers = new()
    {
        { "Task SaveAsync();", "returns System.Threading.Tasks.Task" },
        { "ValueTask<int> CountAsync();", "returns System.Threading.Tasks.ValueTask<int>" },
        { "Task<T> GetAsync<T>();", "is generic" },
        { "Task<int> ReadAsync(ref int x);", "ref, out or in" },
        { "int Count { get; }", "properties and events" },
    };

    [Theory]
    [MemberData(nameof(BadMembers))]
    public void A_member_a_reference_cannot_carry_is_a_compile_error_naming_it(string member, string problem)
    {
        var source = $$"""
            using System.Threading.Tasks;
            using TimeBank.Runtime;
            public interface IBadGrain : IGrainWithStringKey { {{member}} }
            """;

        var (_, diagnostics, sources) = Generators.Run(new GrainReferenceGenerator(), source);

        var error = Assert.Single(diagnostics);
        Assert.Equal("TBG001", error.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, error.Severity);
        Assert.Contains(problem, error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(sources);
    }
}
