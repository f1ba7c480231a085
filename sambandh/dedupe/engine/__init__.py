"""The duplicate-matching engine: pure Python over plain records (dicts), so the batch scan,
import and the create form can all call it. ``normalize`` folds values, ``compare`` turns a
pair into comparison levels, ``model`` scores them Fellegi-Sunter style and ``blocking`` picks
the candidate pairs."""
