import CCmark
import NNLang
