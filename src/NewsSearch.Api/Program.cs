NewsSearch.Api.NewsSearchApp.Build(args).Run();

public partial class Program;
