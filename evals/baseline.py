"""The textbook LangChain RAG pipeline, as a baseline to measure ours against.

RecursiveCharacterTextSplitter (1000/200) over the same cleaned articles, the same embedding
model in a Chroma collection (via langchain-chroma), dense top-4, one "stuff" prompt, the same
chat model. It does not cite per sentence: its retrieved chunks are returned as its sources,
and an answer that says it does not know counts as a refusal.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterable

from langchain_core.embeddings import Embeddings
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from rag.models import Answer, AnswerSentence, Article, Chunk, Citation
from rag.text import split_sentences

# The classic RetrievalQA "stuff" prompt.
STUFF_PROMPT = ChatPromptTemplate.from_template(
    "Use the following pieces of context to answer the question at the end. If you don't know "
    "the answer, just say that you don't know, don't try to make up an answer.\n\n"
    "{context}\n\nQuestion: {question}\nHelpful Answer:"
)
_DONT_KNOW = re.compile(
    r"\b(don'?t know|do not know|cannot answer|can'?t answer|not (mentioned|provided|stated|"
    r"specified|given)|no information|does not (say|mention|provide|specify))\b",
    re.I,
)


class NaiveRAG:
    """Split 1000/200, embed, top-4 dense, stuff prompt, same LLM."""

    def __init__(
        self,
        articles: Iterable[Article],
        *,
        embedder: Embeddings,
        llm: BaseChatModel | None,
        k: int = 4,
    ) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=1000, chunk_overlap=200, add_start_index=True
        )
        texts, metas = [], []
        for a in articles:
            for doc in splitter.create_documents([a.text]):
                start = int(doc.metadata["start_index"])
                texts.append(doc.page_content)
                metas.append(
                    {
                        "doc_id": a.doc_id,
                        "title": a.title,
                        "source": a.source,
                        "url": a.url,
                        "published": a.published,
                        "start": start,
                        "end": start + len(doc.page_content),
                    }
                )
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.vectorstore = Chroma(
            collection_name=f"naive-{uuid.uuid4().hex[:8]}",
            embedding_function=embedder,
            client=client,
            collection_metadata={"hnsw:space": "cosine"},
        )
        for i in range(0, len(texts), 1000):
            self.vectorstore.add_texts(texts[i : i + 1000], metadatas=metas[i : i + 1000])
        self.k = k
        self.llm = llm

    def retrieve(self, question: str, k: int = 10) -> list[Chunk]:
        """Dense top-``k`` chunks (for retrieval metrics)."""
        return [
            Chunk(
                id=f"naive-{i}",
                doc_id=str(d.metadata["doc_id"]),
                index=i,
                text=d.page_content,
                start=int(d.metadata["start"]),
                end=int(d.metadata["end"]),
            )
            for i, d in enumerate(self.vectorstore.similarity_search(question, k=k))
        ]

    def ask(self, question: str, as_of: str = "") -> Answer:
        """Answer with the stuff chain; sources are the retrieved chunks.

        ``as_of`` is unused: the textbook pipeline has no notion of time.
        """
        t0 = time.perf_counter()
        docs = self.vectorstore.similarity_search(question, k=self.k)
        context = "\n\n".join(d.page_content for d in docs)
        if self.llm is None:
            text = context[:400]
        else:
            chain = STUFF_PROMPT | self.llm | StrOutputParser()
            text = str(chain.invoke({"context": context, "question": question})).strip()
        refused = not text or bool(_DONT_KNOW.search(text))
        citations = [
            Citation(
                n=i,
                chunk_id=f"naive-{i}",
                doc_id=str(d.metadata["doc_id"]),
                title=str(d.metadata.get("title") or ""),
                source=str(d.metadata.get("source") or ""),
                url=str(d.metadata.get("url") or ""),
                published=str(d.metadata.get("published") or ""),
                text=d.page_content,
                start=int(d.metadata["start"]),
                end=int(d.metadata["end"]),
            )
            for i, d in enumerate(docs, 1)
        ]
        sentences = [
            AnswerSentence(text=text[s:e], citations=[], supported=False)
            for s, e in split_sentences(text)
        ]
        return Answer(
            question=question,
            answer=text,
            citations=citations,
            refused=refused,
            sentences=sentences,
            seconds=round(time.perf_counter() - t0, 3),
        )
