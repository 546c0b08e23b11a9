// Runs many SPARQL queries over one dataset in one JVM (Apache Jena ARQ), for tests/stores/jena.py.
// Usage: java -cp JARS JenaQueries.java DATA.nt QUERY.rq OUT [QUERY.rq OUT ...]
// SELECT and ASK answers are written as SPARQL JSON results, CONSTRUCT/DESCRIBE as N-Triples.
// A query that fails writes "ERROR <message>" to its OUT and the others still run.

import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;

public class JenaQueries {
    public static void main(String[] args) throws Exception {
        Dataset dataset = RDFDataMgr.loadDataset(args[0]);
        for (int i = 1; i + 1 < args.length; i += 2) {
            String text = Files.readString(Path.of(args[i]), StandardCharsets.UTF_8);
            try (OutputStream out = new FileOutputStream(args[i + 1])) {
                try {
                    Query query = QueryFactory.create(text);
                    try (QueryExecution exec = QueryExecutionFactory.create(query, dataset)) {
                        if (query.isSelectType()) {
                            ResultSetFormatter.outputAsJSON(out, exec.execSelect());
                        } else if (query.isAskType()) {
                            ResultSetFormatter.outputAsJSON(out, exec.execAsk());
                        } else if (query.isConstructType()) {
                            RDFDataMgr.write(out, exec.execConstruct(), Lang.NTRIPLES);
                        } else {
                            RDFDataMgr.write(out, exec.execDescribe(), Lang.NTRIPLES);
                        }
                    }
                } catch (Exception exc) {
                    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                    print.print("ERROR " + String.valueOf(exc.getMessage()).replace('\n', ' '));
                }
            }
        }
    }
}
