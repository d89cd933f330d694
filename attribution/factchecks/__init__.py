"""Has it been fact-checked already?  Import published fact-checks and match claims to them.

``formats`` reads ClaimReview JSON-LD, the Google Fact Check Tools API shape and plain JSONL/TSV;
``store`` writes them to their own tables; ``encoder``, ``index`` and ``retriever`` match text
against them (BM25 over the database's full-text index, fused with a MiniLM encoder fine-tuned
for the task); ``checked`` links stored statements to the fact-checks that match them.
"""
