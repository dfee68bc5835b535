"""Trainer review: the inbox of misanswered questions, labels, export to data/nlu, insight; web page and CLI."""
